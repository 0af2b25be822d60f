import { Link } from "react-router";
import { useDocumentTitle } from "../../components/Layout";
import { GradingQueue } from "./GradingQueue";

export function GradingQueuePage() {
  useDocumentTitle("Grading");
  return (
    <>
      <h1>Grading queue</h1>
      <p className="muted">
        Answers waiting for a grade in every course you teach or assist, oldest first. Students asking for
        another look at a grade are in <Link to="/grading/regrade-requests">Regrade requests</Link>.
      </p>
      <GradingQueue />
    </>
  );
}
