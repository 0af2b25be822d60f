import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Markdown, summary } from "./Markdown";

describe("Markdown", () => {
  it("renders the parts descriptions use", () => {
    const { container } = render(
      <Markdown
        text={[
          "Each exercise shows how **learnplat** grades an *answer* with `code`.",
          "",
          "| exercise | graded by |",
          "| --- | --- |",
          "| Say hello | exact text |",
          "",
          "- one",
          "- two",
          "",
          "See [the docs](https://example.org/docs).",
        ].join("\n")}
      />,
    );
    expect(container.querySelector("strong")?.textContent).toBe("learnplat");
    expect(container.querySelector("em")?.textContent).toBe("answer");
    expect(container.querySelector("code")?.textContent).toBe("code");
    expect([...container.querySelectorAll("th")].map((th) => th.textContent)).toEqual(["exercise", "graded by"]);
    expect([...container.querySelectorAll("td")].map((td) => td.textContent)).toEqual(["Say hello", "exact text"]);
    expect(container.querySelectorAll("li")).toHaveLength(2);
    expect(container.querySelector("a")?.getAttribute("href")).toBe("https://example.org/docs");
  });

  it("never produces markup from the text, nor script links", () => {
    const { container } = render(
      <Markdown text={'<img src=x onerror="alert(1)"> and [click](javascript:alert(1))'} />,
    );
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("a")).toBeNull();
    expect(container.textContent).toContain("<img src=x");
  });

  it("summarises the first paragraph as plain text", () => {
    expect(summary("Six **short** exercises on `str`.\n\n| a | b |\n| --- | --- |")).toBe("Six short exercises on str.");
    expect(summary("x".repeat(300), 10)).toBe("xxxxxxxxx…");
  });
});
