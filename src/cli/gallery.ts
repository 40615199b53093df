/** Figures (PNG bytes with captions) as HTML with the images inline, for inspect's index.html and the report. */
import { escapeXml } from './svg.js';
import type { Figure } from './look-inside.js';

export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export interface Section {
  heading: string;
  about: string;
  figures: readonly Figure[];
}

export const GALLERY_CSS = `.gallery{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}.gallery figure{margin:0;text-align:center;font-size:11px;width:auto;max-width:260px}
.gallery img{image-rendering:pixelated;border:1px solid #ccc;width:auto;height:auto;max-width:260px}`;

export function sectionHtml(s: Section, level = 3): string {
  const figs = s.figures.map((f) => `<figure><img alt="${escapeXml(f.caption)}" src="data:image/png;base64,${base64(f.png)}"><figcaption>${escapeXml(f.caption)}</figcaption></figure>`);
  return `<h${level}>${escapeXml(s.heading)}</h${level}>\n<p>${escapeXml(s.about)}</p>\n<div class="gallery">\n${figs.join('\n')}\n</div>`;
}

/** A whole self-contained page (inspect's index.html). */
export function galleryPage(title: string, intro: string, sections: readonly Section[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}${GALLERY_CSS}</style></head>
<body>
<h1>${escapeXml(title)}</h1>
<p>${escapeXml(intro)}</p>
${sections.map((s) => sectionHtml(s, 2)).join('\n')}
</body></html>
`;
}
