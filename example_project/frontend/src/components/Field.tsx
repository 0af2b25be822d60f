import { useId, type ReactElement, type ReactNode } from "react";
import { cloneElement } from "react";

interface ControlProps {
  id?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

/**
 * A labelled form control with its hint and error messages wired up through `aria-describedby`,
 * so screen readers read them with the control.
 */
export function Field({
  label,
  hint,
  errors,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[] | undefined;
  children: ReactElement<ControlProps>;
}) {
  const id = useId();
  const controlId = children.props.id ?? `${id}-control`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={controlId}>{label}</label>
      {cloneElement(children, {
        id: controlId,
        "aria-invalid": errors?.length ? true : undefined,
        "aria-describedby": describedBy,
      })}
      {hint && (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      )}
      {errors?.length ? <FieldErrors id={errorId} errors={errors} /> : null}
    </div>
  );
}

export function FieldErrors({ id, errors }: { id?: string | undefined; errors: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <p className="field-error" id={id}>
      {errors.join(" ")}
    </p>
  );
}
