/**
 * The checks every page a journey lands on must pass besides its status and console:
 *
 * - axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation in the rendered page;
 * - html-validate (`.htmlvalidate.mjs`, its recommended rules) finds no error in the HTML the
 *   server sent;
 * - at 320 CSS px wide (WCAG 1.4.10, reflow) the page does not scroll sideways.
 *
 * axe runs through `page.evaluate`, which the page's Content-Security-Policy does not govern, so
 * the CSP stays exactly as strict as users get it.
 */
import { join } from 'node:path';
import axe from 'axe-core';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../support/child-process.ts';

/** WCAG 2.2 AA: the A and AA success criteria of 2.0, 2.1 and 2.2, as axe tags them. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The narrowest width WCAG's reflow criterion asks pages to fit (320 CSS px). */
export const REFLOW_WIDTH = 320;

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** One line per violation: its rule, what it asks and where it failed. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axe.source);
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_TAGS)} }, resultTypes: ['violations'] })
       .then((results) => results.violations)`,
  );
  return violations.map(
    (v) => `${v.id}: ${v.help} — at ${v.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`,
  );
}

const validator = new HtmlValidate(new FileSystemConfigLoader());

/** html-validate's errors in a document, one line each (rule, message, line:column). */
export async function htmlErrors(html: string, name: string): Promise<string[]> {
  // A file name in the project root, so the loader finds `.htmlvalidate.mjs`.
  const report = await validator.validateString(html, join(PROJECT_ROOT, `${name}.html`));
  return report.results.flatMap((result) =>
    result.messages
      .filter((message) => message.severity === 2)
      .map((message) => `${message.ruleId}: ${message.message} (line ${message.line}:${message.column})`),
  );
}

export interface Reflow {
  scrollWidth: number;
  innerWidth: number;
  /** The elements that reach past the right edge, deepest first, to say what to fix. */
  widest: string[];
}

/** Measures the page at 320 px wide (and saves a screenshot there), then restores the viewport. */
export async function reflowAt320(page: Page, screenshotPath: string): Promise<Reflow> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  const resize = size.width !== REFLOW_WIDTH;
  if (resize) await page.setViewportSize({ width: REFLOW_WIDTH, height: size.height });
  try {
    const reflow = await page.evaluate<Reflow>(`(() => {
      const root = document.documentElement;
      const widest = [...document.body.querySelectorAll('*')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : ''))
        .reverse()
        .slice(0, 5);
      return { scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, widest };
    })()`);
    if (resize) await page.screenshot({ path: screenshotPath, fullPage: true });
    return reflow;
  } finally {
    if (resize) await page.setViewportSize(size);
  }
}
