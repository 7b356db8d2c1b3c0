import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/components/markdown";

function parse(markdown: string): HTMLElement {
  const root = document.createElement("div");
  root.innerHTML = renderMarkdown(markdown);
  return root;
}

describe("renderMarkdown", () => {
  it("renders ordinary Markdown", () => {
    const root = parse("# Title\n\nSome **bold** text and `code`.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(root.querySelector("h1")?.textContent).toBe("Title");
    expect(root.querySelector("strong")?.textContent).toBe("bold");
    expect(root.querySelectorAll("li")).toHaveLength(2);
    expect(root.querySelector("td")?.textContent).toBe("1");
  });

  it("shows raw HTML as text instead of markup", () => {
    const root = parse('Hello <b>there</b>\n\n<div onclick="alert(1)">block</div>');
    expect(root.querySelector("b")).toBeNull();
    expect(root.querySelector("div")).toBeNull();
    expect(root.textContent).toContain("<b>there</b>");
    expect(root.textContent).toContain('<div onclick="alert(1)">block</div>');
  });

  it("never lets a script or an event handler through", () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n[x](javascript:alert(1))',
    );
    const root = document.createElement("div");
    root.innerHTML = html;
    expect(root.querySelector("script")).toBeNull();
    expect(root.querySelector("[onerror]")).toBeNull();
    expect(root.querySelector('a[href^="javascript"]')).toBeNull();
  });

  it("gives every link rel=noopener noreferrer and opens foreign links in a new tab", () => {
    const root = parse("[here](/docs) and [there](https://example.org/page)");
    const [local, foreign] = Array.from(root.querySelectorAll("a"));
    expect(local?.getAttribute("rel")).toBe("noopener noreferrer");
    expect(local?.hasAttribute("target")).toBe(false);
    expect(foreign?.getAttribute("rel")).toBe("noopener noreferrer");
    expect(foreign?.getAttribute("target")).toBe("_blank");
  });

  it("keeps images from this appliance only", () => {
    const root = parse("![local](/assets/a.png) ![remote](https://tracker.example/pixel.gif)");
    const [local, remote] = Array.from(root.querySelectorAll("img"));
    expect(local?.getAttribute("src")).toBe("/assets/a.png");
    expect(remote?.hasAttribute("src")).toBe(false);
    expect(remote?.getAttribute("alt")).toBe("remote");
  });

  it("drops attributes outside the allow-list", () => {
    const root = parse('[a](/x "title")');
    const link = root.querySelector("a");
    expect(link?.getAttribute("title")).toBe("title");
    expect(root.querySelector("[style], [class], [id]")).toBeNull();
  });

  describe("mentions", () => {
    const people = new Map([
      ["ada", { id: 1, username: "ada", display_name: "Ada Lovelace" }],
      ["bob.smith", { id: 2, username: "bob.smith", display_name: "" }],
    ]);
    const render = (markdown: string) => {
      const root = document.createElement("div");
      root.innerHTML = renderMarkdown(markdown, people);
      return root;
    };
    const links = (root: HTMLElement) =>
      Array.from(root.querySelectorAll("a.mention")).map((a) => [a.getAttribute("href"), a.textContent]);

    it("links known people to their page with their current name", () => {
      const root = render("Thanks @Ada. Ask @bob.smith, or @nobody.");
      expect(links(root)).toEqual([
        ["/people/ada", "@Ada Lovelace"],
        ["/people/bob.smith", "@bob.smith"],
      ]);
      expect(root.textContent?.trim()).toBe("Thanks @Ada Lovelace. Ask @bob.smith, or @nobody.");
      expect(root.querySelector("a.mention")?.getAttribute("title")).toBe("@ada");
    });

    it("leaves code, e-mail addresses, links and names too short alone", () => {
      const root = render("`@ada` and mail ada@example.org or x@ada, [@ada](/x), @ab\n\n```\n@ada\n```");
      expect(links(root)).toEqual([]);
    });

    it("renders mentions as text without a directory, and escapes what it links", () => {
      expect(parse("Hi @ada").querySelector("a")).toBeNull();
      const root = render("@ada <img src=x onerror=alert(1)>");
      expect(root.querySelector("[onerror]")).toBeNull();
      expect(links(root)).toEqual([["/people/ada", "@Ada Lovelace"]]);
    });
  });
});
