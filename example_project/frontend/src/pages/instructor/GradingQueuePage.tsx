import { useDocumentTitle } from "../../components/Layout";
import { GradingQueue } from "./GradingQueue";

export function GradingQueuePage() {
  useDocumentTitle("Grading");
  return (
    <>
      <h1>Grading queue</h1>
      <p className="muted">Answers to manually graded tasks in every course you teach.</p>
      <GradingQueue />
    </>
  );
}
