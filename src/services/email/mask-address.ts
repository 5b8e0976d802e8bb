/**
 * Recipient addresses in logs, masked: a log line names which mail failed without telling
 * whoever reads the logs (an operator, a log vendor) who the students are. The first letter
 * and the domain stay, enough to tell two recipients or a bouncing domain apart.
 */

/** An address as it appears in SMTP replies and our own text: `local@domain.tld`. */
const ADDRESS = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

/** `student@example.com` → `s***@example.com`; anything that is not an address → `***`. */
export function maskEmailAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** Every address inside `text` masked as `maskEmailAddress` does (an SMTP server's reply often quotes one). */
export function maskEmailAddressesIn(text: string): string {
  return text.replace(ADDRESS, (_match, first: string, domain: string) => `${first}***@${domain}`);
}
