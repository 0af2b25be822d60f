import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import type { SectionAssignResult } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field } from "../../../components/Field";
import { ErrorMessage, Notice } from "../../../components/Status";
import { fullName, plural } from "../../../format";

/** POST the `username,section` CSV: a dry run, or the real thing. */
async function sendAssignment(slug: string, file: File, dryRun: boolean): Promise<SectionAssignResult> {
  const form = new FormData();
  form.append("file", file, file.name);
  form.append("dry_run", dryRun ? "true" : "false");
  return unwrap(
    api.POST("/api/courses/{slug}/sections/assign/", {
      params: { path: { slug } },
      // The generated body type names the fields; the request itself is the multipart form.
      body: { file: file.name, dry_run: dryRun },
      bodySerializer: () => form,
    }),
  );
}

/** "Assign sections from CSV": check the file (a dry run listing every move and row error), then apply it. */
export function SectionAssignForm({ slug, onApplied }: { slug: string; onApplied: () => void }) {
  const [inputKey, setInputKey] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<SectionAssignResult | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const check = useMutation(async (chosen: File) => {
    setResult(await sendAssignment(slug, chosen, true));
  });
  const apply = useMutation(async (chosen: File) => {
    const answer = await sendAssignment(slug, chosen, false);
    if (answer.applied) {
      setResult(null);
      setFile(null);
      setInputKey((key) => key + 1);
      setDone(`Moved ${plural(answer.changes.length, "student")}.`);
      onApplied();
    } else {
      setResult(answer);
    }
  });
  function onCheck(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    if (!file) {
      check.fail(new Error("Choose the CSV file first."));
      return;
    }
    void check.run(file);
  }
  const errors = result?.errors ?? [];
  const changes = result?.changes ?? [];
  return (
    <section className="card stack" aria-labelledby="assign-sections-heading">
      <h3 id="assign-sections-heading">Assign sections from CSV</h3>
      <p className="muted small">
        A CSV with the header <code>username,section</code>: a section&apos;s name, or empty for none. Checking the file
        writes nothing.
      </p>
      {done && <Notice kind="ok">{done}</Notice>}
      <form className="stack" onSubmit={onCheck}>
        <Field label="Sections CSV" errors={check.fields.file}>
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
              <Notice kind="error">{plural(errors.length, "problem")} in the file. Fix it and check it again.</Notice>
              <ul>
                {errors.map((error, index) => (
                  <li key={index}>
                    Row {error.row}: {error.detail}
                  </li>
                ))}
              </ul>
            </>
          )}
          {changes.length === 0 && errors.length === 0 && <Notice>No changes: everyone is already in that section.</Notice>}
          {changes.length > 0 && (
            <>
              <h4 style={{ margin: 0 }}>{plural(changes.length, "move")}</h4>
              <ul aria-label="Moves">
                {changes.map((change) => (
                  <li key={change.user.id}>
                    {fullName(change.user)}: {change.old_section?.name ?? "no section"} → {change.new_section?.name ?? "no section"}
                  </li>
                ))}
              </ul>
              <div className="row">
                <button
                  type="button"
                  disabled={errors.length > 0 || apply.busy}
                  onClick={() => file && void apply.run(file)}
                >
                  {apply.busy ? "Applying…" : `Apply ${plural(changes.length, "move")}`}
                </button>
              </div>
            </>
          )}
          <ErrorMessage error={apply.error} />
        </div>
      )}
    </section>
  );
}
