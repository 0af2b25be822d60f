import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import type { CourseDetail, GradebookImportChange, GradebookImportResult } from "../../api/types";
import { useMutation } from "../../api/useMutation";
import { Field } from "../../components/Field";
import { ErrorMessage, Notice } from "../../components/Status";
import { formatScore, fullName, plural } from "../../format";

/** POST the CSV to the import endpoint: a dry run, or the real thing. */
async function sendImport(slug: string, file: File, dryRun: boolean): Promise<GradebookImportResult> {
  const form = new FormData();
  form.append("file", file, file.name);
  form.append("dry_run", dryRun ? "true" : "false");
  return unwrap(
    api.POST("/api/courses/{slug}/gradebook/import/", {
      params: { path: { slug } },
      // The generated body type names the fields; the request itself is the multipart form.
      body: { file: file.name, dry_run: dryRun },
      bodySerializer: () => form,
    }),
  );
}

function ChangeTable({ changes }: { changes: readonly GradebookImportChange[] }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Changes the file makes</caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Student</th>
            <th scope="col">Task</th>
            <th scope="col" className="num">
              Old score
            </th>
            <th scope="col" className="num">
              New score
            </th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={`${change.user.id}-${change.task.id}`}>
              <td className="num">{change.row}</td>
              <th scope="row">{fullName(change.user)}</th>
              <td>{change.task.title}</td>
              <td className="num">{change.old_score === null ? "—" : formatScore(change.old_score)}</td>
              <td className="num">
                <span aria-hidden="true">→ </span>
                {formatScore(change.new_score)}
                {change.creates_submission && <span className="muted small"> (no submission yet: one is recorded)</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The gradebook CSV back as grades: pick the edited file, check it (a dry run that shows every
 * change and every row error), then apply the changes when there is no error.
 */
export function GradebookImportTab({ course }: { course: CourseDetail }) {
  const [inputKey, setInputKey] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<GradebookImportResult | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const check = useMutation(async (chosen: File) => {
    setResult(await sendImport(course.slug, chosen, true));
  });
  const apply = useMutation(async (chosen: File) => {
    const answer = await sendImport(course.slug, chosen, false);
    if (answer.applied) {
      setResult(null);
      setFile(null);
      setInputKey((key) => key + 1);
      setDone(`Applied ${plural(answer.changes.length, "change")}. The gradebook shows the new scores.`);
    } else {
      // The gradebook moved since the check: show what the file would do now.
      setResult(answer);
    }
  });

  function onCheck(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    if (!file) {
      check.fail(new Error("Choose the CSV file to import first."));
      return;
    }
    void check.run(file);
  }

  const errors = result?.errors ?? [];
  const changes = result?.changes ?? [];
  const canApply = result !== null && errors.length === 0 && changes.length > 0 && !apply.busy;

  return (
    <section className="stack" aria-labelledby="import-heading">
      <h2 id="import-heading" style={{ margin: 0 }}>
        Import grades
      </h2>
      <p className="muted" style={{ margin: 0 }}>
        Download the CSV from the <Link to={`/teach/${course.slug}/gradebook`}>Gradebook</Link>, edit the task scores in a
        spreadsheet and upload it here. Only task columns are read; an empty cell or an unchanged score changes nothing.
        Checking the file writes nothing.
      </p>
      {done && <Notice kind="ok">{done}</Notice>}
      <form className="stack" onSubmit={onCheck}>
        <Field label="Gradebook CSV" hint="UTF-8 CSV in the gradebook export's format." errors={check.fields.file}>
          <input
            key={inputKey}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setResult(null);
              check.reset();
              apply.reset();
            }}
          />
        </Field>
        <div className="row">
          <button type="submit" disabled={check.busy}>
            {check.busy ? "Checking…" : "Check file"}
          </button>
        </div>
      </form>
      <ErrorMessage error={check.error} />
      {result && (
        <div className="stack" aria-live="polite">
          {errors.length > 0 && (
            <>
              <Notice kind="error">
                {plural(errors.length, "problem")} in the file. Nothing can be applied until the file is fixed and checked
                again.
              </Notice>
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Problems in the file</caption>
                  <thead>
                    <tr>
                      <th scope="col">Row</th>
                      <th scope="col">Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {errors.map((error, index) => (
                      <tr key={index}>
                        <td className="num">{error.row}</td>
                        <td>{error.detail}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {changes.length === 0 && errors.length === 0 ? (
            <Notice>No changes: every score in the file is already in the gradebook.</Notice>
          ) : (
            changes.length > 0 && (
              <>
                <h3 style={{ margin: 0 }}>{plural(changes.length, "change")}</h3>
                <ChangeTable changes={changes} />
              </>
            )
          )}
          {changes.length > 0 && (
            <div className="row">
              <button type="button" disabled={!canApply} onClick={() => file && void apply.run(file)}>
                {apply.busy ? "Applying…" : `Apply ${plural(changes.length, "change")}`}
              </button>
            </div>
          )}
          <ErrorMessage error={apply.error} />
        </div>
      )}
    </section>
  );
}
