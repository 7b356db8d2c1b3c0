import { describe, expect, it } from "vitest";
import { candidates, insertMention, typedMention } from "@/lib/mentions";

describe("the mention grammar", () => {
  it("reads a trailing full stop as punctuation when a shorter name is possible", () => {
    expect(candidates("Ada.")).toEqual(["ada.", "ada"]);
    expect(candidates("bob.smith")).toEqual(["bob.smith"]);
    expect(candidates("ab.")).toEqual(["ab."]);
  });

  it("finds the mention being typed at the caret", () => {
    expect(typedMention("Hi @", 4)).toEqual({ start: 3, query: "" });
    expect(typedMention("Hi @ad and more", 6)).toEqual({ start: 3, query: "ad" });
    expect(typedMention("@bo", 3)).toEqual({ start: 0, query: "bo" });
    expect(typedMention("(@bo", 4)).toEqual({ start: 1, query: "bo" });
  });

  it("offers nothing in e-mail addresses, after a space or in code", () => {
    expect(typedMention("mail ada@ex", 11)).toBeNull();
    expect(typedMention("Hi @ada done", 12)).toBeNull();
    expect(typedMention("say `@ad", 8)).toBeNull();
    expect(typedMention("```\n@ad", 7)).toBeNull();
    expect(typedMention("```\nx\n```\n@ad", 13)).toEqual({ start: 10, query: "ad" });
  });

  it("inserts @username and a space, replacing what was typed", () => {
    expect(insertMention("Hi @ad", 3, 6, "ada")).toEqual({ text: "Hi @ada ", caret: 8 });
    expect(insertMention("Hi @ad thanks", 3, 6, "ada")).toEqual({ text: "Hi @ada thanks", caret: 8 });
  });
});
