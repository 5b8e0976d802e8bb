export const CLI_USAGE = `Whop sandbox CLI — drives the local stand-in for Whop (dev only).

Usage: npm run whop -- <command> [options]

Commands
  trigger <event> --user <id> --product <id> [--status <status>]
        Fire an event through the sandbox (changing its state first, as Whop would).
        Membership events create or update the user's membership of the product;
        payment.succeeded / payment.failed take a payment. Any other dotted type is sent as is.
        Also: --membership <mem_…>, --payment <pay_…>, --company <biz_…>, --amount <29.99>, --currency <usd|btc|usdt|whop_usd|…>
        Refunds, disputes and alerts (refund.created|updated, dispute.created|updated, dispute_alert.created) act on
        --payment (or the user's latest paid payment of --product); also --refund, --dispute, --reason, --alert-type.
        invoice.past_due / invoice.paid and membership.updated / membership.trial_ending_soon act on the membership.
        payment.authorized / payment.canceled take an authorized payment, or cancel --payment.
  sign --body <json|@file> [--secret ws_…] [--id msg_…] [--timestamp <unix seconds>]
        Print valid Standard Webhooks headers for a body, offline (secret defaults to the sandbox's).
  memberships [--company <biz_…>] [--user <id>] [--product <id>] [--status <status|valid>]
        List memberships, newest first.
  users          List users and the companies they administer.
  deliveries     List webhook deliveries and their last response.
  app [--auth-method client_secret_post|client_secret_basic|none]
        Show the registered app (app id, client id, redirect URI, webhooks, …); set its token endpoint client auth.
  webhooks       List the registered webhooks and their payload versions.
  webhook [--id hook_…] [--version-date <YYYY-MM-DD>|latest|unpinned] [--names dotted|underscore] [--scheme v1|v5] [--enabled true|false]
        Change one webhook (default: all of them). Pinned from 2026-08-14: native flat shape; unpinned: legacy nested.
  installations  List companies and whether the app is installed on them.
  install --company <biz_…> --user <admin id>    Install the app on a company (as that admin).
  uninstall --company <biz_…>                    Uninstall it (API-key calls for the company then answer 403).
  rate-limit --calls <n> [--seconds <N>]         The next n calls of /api/v1 answer 429 ("Try again in N seconds.").
  delete-user --user <id>                        Delete an account: its memberships and payments show user: null.
  reset          Put the sandbox back to its seed.

Options
  --json         Print the raw JSON answer.
  -h, --help     Show this help.

Examples
  npm run whop -- trigger membership.activated --user user_student1 --product prod_course1
  npm run whop -- trigger membership.deactivated --user user_student1 --product prod_course1 --status canceled
  npm run whop -- trigger payment.failed --user user_creator_pro --product prod_pro
  npm run whop -- trigger membership.activated --user user_student2 --product prod_course2 --status completed
  npm run whop -- trigger payment.succeeded --user user_student1 --product prod_course1 --amount 0.00012345 --currency btc
  npm run whop -- trigger refund.created --payment pay_… --amount 10.00
  npm run whop -- webhook --version-date 2026-11-17
  npm run whop -- sign --body '{"type":"membership.activated"}'
`;
