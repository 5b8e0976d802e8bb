/**
 * The text a person reads on a page: no tags, attributes, scripts or styles; entities decoded
 * loosely. `without` drops elements that carry a class (say, the page's secondary "ids" place).
 */
export function visibleText(html: string, options: { withoutClass?: string } = {}): string {
  let body = html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ');
  if (options.withoutClass) {
    const pattern = new RegExp(
      `<(\\w+)[^>]*class="[^"]*\\b${options.withoutClass}\\b[^"]*"[^>]*>[\\s\\S]*?</\\1>`,
      'gi',
    );
    body = body.replace(pattern, ' ');
  }
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');
}

/** Whop-style raw ids (user_…, biz_…, mem_…, msg_…, …) in a text. */
export const RAW_WHOP_ID = /\b(user|biz|mem|msg|pay|prod|plan|evt)_[A-Za-z0-9]+/g;
