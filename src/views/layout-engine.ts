/**
 * An Express view engine that renders a page, then renders `views/layout.ejs` around it
 * (the page's HTML arrives as `body`). Pages can opt out with `layout: false`. Partials are
 * included by their path from the views folder (`include('/partials/message')`), which EJS
 * resolves without looking on disk each time (a relative path costs a stat per include).
 */
import ejs from 'ejs';
import { join } from 'node:path';

type RenderCallback = (error: Error | null, html?: string) => void;

export function layoutEngine(viewsDir: string, options: { cache: boolean }) {
  const layoutPath = join(viewsDir, 'layout.ejs');
  // Line tracking (a statement per template line, and a try/catch to report it) only where
  // templates are edited: with the cache on, compiled templates run without it.
  const compileDebug = !options.cache;
  return (filePath: string, locals: object, callback: RenderCallback): void => {
    const data = locals as Record<string, unknown>;
    ejs.renderFile(
      filePath,
      data,
      { cache: options.cache, compileDebug, filename: filePath, root: viewsDir },
      (pageError, body) => {
        if (pageError) return callback(pageError);
        if (data.layout === false) return callback(null, body);
        // `layout: 'layout-embedded'`: another layout of the views folder (a name, never a path).
        const layout =
          typeof data.layout === 'string' && /^[a-z-]+$/.test(data.layout)
            ? join(viewsDir, `${data.layout}.ejs`)
            : layoutPath;
        ejs.renderFile(
          layout,
          { ...data, body },
          { cache: options.cache, compileDebug, filename: layout, root: viewsDir },
          (layoutError, html) => (layoutError ? callback(layoutError) : callback(null, html)),
        );
      },
    );
  };
}
