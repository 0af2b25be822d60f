/**
 * The small part of Markdown that course and task descriptions use: paragraphs, headings, lists,
 * tables, fenced code, `code`, **bold**, *emphasis* and links. It builds React elements, never
 * HTML strings, so text from the API cannot inject markup; links other than http(s), mailto and
 * site-relative ones are shown as text.
 */

import type { ReactNode } from "react";

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/g;
const SAFE_URL = /^(https?:\/\/|mailto:|\/(?!\/))/i;

export function renderInline(text: string, keyPrefix = "i"): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  let index = 0;
  for (const match of text.matchAll(INLINE)) {
    const start = match.index ?? 0;
    if (start > last) nodes.push(text.slice(last, start));
    const token = match[0];
    const key = `${keyPrefix}-${index++}`;
    if (match[1]) nodes.push(<code key={key}>{token.slice(1, -1)}</code>);
    else if (match[2]) nodes.push(<strong key={key}>{renderInline(token.slice(2, -2), key)}</strong>);
    else if (match[3]) nodes.push(<em key={key}>{renderInline(token.slice(1, -1), key)}</em>);
    else {
      const [, label = "", url = ""] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token) ?? [];
      nodes.push(
        SAFE_URL.test(url) ? (
          <a key={key} href={url} rel="noopener noreferrer">
            {renderInline(label, key)}
          </a>
        ) : (
          token
        ),
      );
    }
    last = start + token.length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

/** The first paragraph without Markdown marks, for one-line summaries. */
export function summary(text: string, length = 180): string {
  const first =
    text
      .replace(/\r\n?/g, "\n")
      .split(/\n\s*\n/)
      .map((block) => block.trim())
      .find((block) => block && !block.startsWith("|") && !block.startsWith("```")) ?? "";
  const plain = first
    .replace(/^#+\s*/gm, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/[`*_]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > length ? `${plain.slice(0, length - 1)}…` : plain;
}

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((cell) => cell.trim());
}

const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const LIST_ITEM = /^\s*([-*+]|\d+[.)])\s+/;

export function Markdown({ text, className }: { text: string; className?: string }) {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: ReactNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const key = `b-${i}`;
    if (!line.trim()) {
      i += 1;
    } else if (line.trim().startsWith("```")) {
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i]!.trim().startsWith("```")) body.push(lines[i++]!);
      i += 1;
      blocks.push(
        <pre key={key} className="answer">
          <code>{body.join("\n")}</code>
        </pre>,
      );
    } else if (/^#{1,6}\s/.test(line)) {
      const level = /^#+/.exec(line)![0].length;
      const content = renderInline(line.replace(/^#+\s*/, ""), key);
      blocks.push(level <= 2 ? <h3 key={key}>{content}</h3> : <h4 key={key}>{content}</h4>);
      i += 1;
    } else if (line.trim().startsWith("|") && TABLE_RULE.test(lines[i + 1] ?? "")) {
      const head = cells(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && lines[i]!.trim().startsWith("|")) rows.push(cells(lines[i++]!));
      blocks.push(
        <div key={key} className="table-wrap">
          <table>
            <thead>
              <tr>
                {head.map((cell, c) => (
                  <th key={c} scope="col">
                    {renderInline(cell, `${key}-h${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, r) => (
                <tr key={r}>
                  {head.map((_, c) => (
                    <td key={c}>{renderInline(row[c] ?? "", `${key}-${r}-${c}`)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
    } else if (LIST_ITEM.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      while (i < lines.length && LIST_ITEM.test(lines[i]!)) items.push(lines[i++]!.replace(LIST_ITEM, ""));
      const children = items.map((item, n) => <li key={n}>{renderInline(item, `${key}-${n}`)}</li>);
      blocks.push(ordered ? <ol key={key}>{children}</ol> : <ul key={key}>{children}</ul>);
    } else {
      const paragraph: string[] = [];
      while (
        i < lines.length &&
        lines[i]!.trim() &&
        !LIST_ITEM.test(lines[i]!) &&
        !/^#{1,6}\s/.test(lines[i]!) &&
        !lines[i]!.trim().startsWith("```") &&
        !(lines[i]!.trim().startsWith("|") && TABLE_RULE.test(lines[i + 1] ?? ""))
      ) {
        paragraph.push(lines[i++]!.trim());
      }
      blocks.push(<p key={key}>{renderInline(paragraph.join(" "), key)}</p>);
    }
  }
  return <div className={className ? `markdown ${className}` : "markdown"}>{blocks}</div>;
}
