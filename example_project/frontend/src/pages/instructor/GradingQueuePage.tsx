import { useDocumentTitle } from "../../components/Layout";
import { GradingQueue } from "./GradingQueue";

export function GradingQueuePage() {
  useDocumentTitle("Grading");
  return (
    <>
      <h1>Grading queue</h1>
      <p className="muted">Answers waiting for a grade in every course you teach or assist, oldest first.</p>
      <GradingQueue />
    </>
  );
}
