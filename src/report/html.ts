/**
 * The small Markdown the kit writes (headings, paragraphs, lists, tables,
 * code blocks, bold, italics, code, links, images) as HTML, for notebooks
 * (untrusted Jupyter shows sanitized HTML but hides Markdown) and for the
 * report's single HTML file. Not a general Markdown parser: it reads what
 * `table.ts` and `report.ts` write.
 */

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Inline Markdown: code spans first (their contents stay literal, held aside so that emphasis may
 * span them), then images, links, bold, italics.
 */
export function inlineHtml(text: string, image: (src: string) => string = (s) => s): string {
  const codes: string[] = [];
  const held = text.replace(/`([^`]*)`/g, (_m, code: string) => `\u0000${codes.push(code) - 1}\u0000`);
  return escape(held)
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_m, alt, src) => `<img alt="${alt}" src="${image(src)}">`)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
    .replace(/\u0000(\d+)\u0000/g, (_m, k: string) => `<code>${escape(codes[Number(k)])}</code>`);
}

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());

/** Markdown blocks as HTML; `image` maps an image's path to its source (e.g. a data URI). */
export function markdownToHtml(md: string, image?: (src: string) => string): string {
  const lines = md.replace(/\r/g, '').split('\n');
  const out: string[] = [];
  const inline = (t: string) => inlineHtml(t, image);
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
    } else if (/^```/.test(line)) {
      const code: string[] = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      out.push(`<pre><code>${escape(code.join('\n'))}</code></pre>`);
    } else if (/^ {4}/.test(line)) {
      const code: string[] = [];
      for (; i < lines.length && (/^ {4}/.test(lines[i]) || lines[i].trim() === ''); i++) code.push(lines[i].slice(4));
      while (code.length > 0 && code[code.length - 1].trim() === '') code.pop();
      out.push(`<pre><code>${escape(code.join('\n'))}</code></pre>`);
    } else if (/^#{1,6} /.test(line)) {
      const level = line.indexOf(' ');
      out.push(`<h${level}>${inline(line.slice(level + 1))}</h${level}>`);
      i++;
    } else if (/^\|/.test(line) && /^\|?\s*:?-+/.test(lines[i + 1] ?? '')) {
      const head = cells(line);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && /^\|/.test(lines[i]); i++) rows.push(cells(lines[i]));
      out.push(
        '<table>',
        `<thead><tr>${head.map((h) => `<th>${inline(h)}</th>`).join('')}</tr></thead>`,
        `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('\n')}</tbody>`,
        '</table>',
      );
    } else if (/^(\s*)([-*]|\d+\.) /.test(line)) {
      const ordered = /^\s*\d+\. /.test(line);
      const items: string[] = [];
      for (; i < lines.length && /^(\s*)([-*]|\d+\.) |^ {2,}\S/.test(lines[i]); i++) {
        if (/^(\s*)([-*]|\d+\.) /.test(lines[i])) items.push(lines[i].replace(/^\s*([-*]|\d+\.) /, ''));
        else items[items.length - 1] += ` ${lines[i].trim()}`;
      }
      const tag = ordered ? 'ol' : 'ul';
      out.push(`<${tag}>${items.map((it) => `<li>${inline(it)}</li>`).join('')}</${tag}>`);
    } else {
      const para: string[] = [];
      for (
        ;
        i < lines.length && lines[i].trim() !== '' && !/^(#{1,6} |\||```|(\s*)([-*]|\d+\.) )/.test(lines[i]);
        i++
      ) {
        para.push(lines[i].trim());
      }
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}
