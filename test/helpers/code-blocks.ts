// The fenced code blocks of one language in a Markdown page, in order: the doc pages' programs.
export function codeBlocks(markdown: string, lang: string): string[] {
  const blocks: string[] = [], fence = new RegExp("^```" + lang + "\\s*$");
  let current: string[] | null = null;
  for (const line of markdown.split("\n")) {
    if (current === null && fence.test(line)) current = [];
    else if (current !== null && line.startsWith("```")) { blocks.push(current.join("\n")); current = null; }
    else if (current !== null) current.push(line);
  }
  return blocks;
}
