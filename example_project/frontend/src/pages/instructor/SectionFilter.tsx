import { Field } from "../../components/Field";
import { useSections } from "./manage/useSections";

/**
 * A select of the course's sections for a staff list ("All sections" is `""`). Nothing shows
 * while they load, when they cannot be read, or when the course has none: a filter with one
 * choice only takes room.
 */
export function SectionFilter({ course, value, onChange }: { course: string; value: string; onChange: (section: string) => void }) {
  const sections = useSections(course);
  const list = sections.data ?? [];
  if (list.length === 0) return null;
  return (
    <Field label="Section">
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">All sections</option>
        {list.map((section) => (
          <option key={section.id} value={String(section.id)}>
            {section.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The `section` query parameter of a filter's value: absent for "All sections". */
export function sectionParam(value: string): number | undefined {
  return value ? Number(value) : undefined;
}
