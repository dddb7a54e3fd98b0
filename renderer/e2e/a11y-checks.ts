// The checks a11y.test.ts runs on every screen: axe-core, clipped text, glyphs the font lacks,
// focus-ring contrast; and what sticks out sideways, for the screens' own tests. Each returns
// findings as short sentences naming the element, so a failing run says what to fix where; an
// empty list is a pass.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, type Font } from 'fontkit';
import type { CDPSession, Page } from 'playwright-core';
import { repoRoot } from './harness';

const axeSource = readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2 A and AA rules; the critical and serious violations, one line per element.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
 * page runs under its real policy (fonts included).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeLike }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .flatMap((v) =>
        v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary}`),
      );
  });
  return violations.map((v) => v.replace(/\s+/g, ' '));
}

interface AxeLike {
  run(
    context: Document,
    options: object,
  ): Promise<{
    violations: {
      id: string;
      impact: string | null;
      nodes: { target: string[]; failureSummary: string }[];
    }[];
  }>;
}

/**
 * Elements whose content is wider than their box (scrollWidth > clientWidth): cut-off text. Boxes
 * meant to scroll (overflow auto/scroll), text inputs (they scroll their value) and visually
 * hidden text are left out.
 */
export async function clippedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const path = (el: Element): string => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4;) {
        const cls = [...e.classList].slice(0, 2).map((c) => `.${c}`);
        const field = e.getAttribute('data-field') ?? e.getAttribute('data-col');
        parts.unshift(
          e.tagName.toLowerCase() +
            (e.id ? `#${e.id}` : '') +
            cls.join('') +
            (field ? `[${field}]` : ''),
        );
        e = e.parentElement;
      }
      return parts.join(' > ');
    };
    const found: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth <= 1) continue;
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) continue;
      if (el.closest('.sr-only, [hidden]') || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      if (['auto', 'scroll'].includes(style.overflowX)) continue;
      if (style.visibility === 'hidden') continue;
      const text = (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40);
      found.push(
        `${path(el)} ("${text}") is ${el.scrollWidth}px wide in a ${el.clientWidth}px box`,
      );
    }
    return found;
  });
}

/**
 * What sticks out sideways at this window size: the page, the work area, and any panel or part of
 * one wider than its box. Tables scroll in their own box (.table-wrap), and text for screen readers
 * is clipped to 1 px on purpose, so neither counts.
 */
export async function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`page ${root.scrollWidth}px`);
    const content = document.querySelector('.content');
    if (content && content.scrollWidth > content.clientWidth + 1)
      out.push(`work area ${content.scrollWidth - content.clientWidth}px`);
    for (const e of document.querySelectorAll('.content .panel, .content .panel *')) {
      if (e.closest('.sr-only, .table-wrap') || e.clientWidth === 0) continue;
      if (e.scrollWidth > e.clientWidth + 1)
        out.push(
          `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent ?? '').slice(0, 40)}"`,
        );
    }
    return out;
  });
}

/** The shipped fonts by PostScript name, as fontkit reads them. */
let shipped: Map<string, Font> | null = null;
function shippedFonts(): Map<string, Font> {
  if (shipped) return shipped;
  shipped = new Map();
  const dir = join(repoRoot, 'resources/fonts');
  for (const file of [
    'NotoSans-Regular.ttf',
    'NotoSans-Bold.ttf',
    'NotoSansEthiopic-Regular.ttf',
    'NotoSansEthiopic-Bold.ttf',
    'NotoSansArabic-Regular.ttf',
    'NotoSansCJKsc-Regular.otf',
  ]) {
    const font = create(readFileSync(join(dir, file))) as Font;
    shipped.set(font.postscriptName, font);
  }
  return shipped;
}

/**
 * Glyphs: for every element with text of its own, the fonts Chromium really drew it with (the
 * DevTools protocol's platform fonts for the node) must all be shipped web fonts, and each
 * character must be in one of those fonts' cmaps. A system font or a missing glyph (an empty box
 * on a bare Windows PC) is a finding.
 */
export async function glyphProblems(page: Page, cdp: CDPSession): Promise<string[]> {
  // A face is fetched only once text in its range is laid out: let layout run, then wait for it.
  await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await Promise.all(
      [...document.fonts].filter((f) => f.status === 'loading').map((f) => f.loaded),
    );
    await document.fonts.ready;
  });
  const texts = await page.evaluate(() => {
    document
      .querySelectorAll('[data-a11y-text]')
      .forEach((e) => e.removeAttribute('data-a11y-text'));
    const out: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      if (el.getClientRects().length === 0 || el.closest('[hidden], script, style')) continue;
      const own = [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (!own) continue;
      el.setAttribute('data-a11y-text', String(out.length));
      out.push(own);
    }
    return out;
  });
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', {
    nodeId: root.nodeId,
    selector: '[data-a11y-text]',
  });
  const fonts = shippedFonts();
  const problems = new Set<string>();
  await Promise.all(
    nodeIds.map(async (nodeId, i) => {
      const text = texts[i] ?? '';
      const used = await cdp
        .send('CSS.getPlatformFontsForNode', { nodeId })
        .then((r) => r.fonts)
        .catch(() => []);
      for (const f of used)
        if (!f.isCustomFont)
          problems.add(`"${text.slice(0, 30)}" is drawn with the system font ${f.familyName}`);
      const faces = used.map((f) => fonts.get(f.postScriptName ?? '')).filter((f) => !!f);
      for (const ch of text) {
        const cp = ch.codePointAt(0) ?? 0;
        if (/\s/.test(ch) || cp < 0x20 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0x200b) continue;
        if (!faces.some((face) => face.hasGlyphForCodePoint(cp)))
          problems.add(
            `"${ch}" (U+${cp.toString(16).toUpperCase().padStart(4, '0')}) in "${text.slice(0, 30)}" has no glyph in the fonts used (${used.map((f) => f.postScriptName ?? f.familyName).join(', ')})`,
          );
      }
    }),
  );
  return [...problems];
}

/** WCAG contrast ratio of two CSS rgb() colours. */
export function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

/**
 * The focused element's ring: its outline colour and width, and the background it is drawn on
 * (the ring sits outside the element, on its nearest opaque ancestor's background).
 */
export async function focusRing(
  page: Page,
): Promise<{ what: string; outline: string; width: number; background: string } | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    let background = 'rgb(255, 255, 255)';
    for (let e = el.parentElement; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) {
        background = bg;
        break;
      }
    }
    return {
      what: `${el.tagName.toLowerCase()} "${(el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`,
      outline: style.outlineStyle === 'none' ? 'none' : style.outlineColor,
      width: parseFloat(style.outlineWidth) || 0,
      background,
    };
  });
}
