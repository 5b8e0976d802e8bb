export const CLI_USAGE = `Whop sandbox CLI — drives the local stand-in for Whop (dev only).

Usage: npm run whop -- <command> [options]

Commands
  trigger <event> --user <id> --product <id> [--status <status>]
        Fire an event through the sandbox (changing its state first, as Whop would).
        Membership events create or update the user's membership of the product;
        payment.succeeded / payment.failed take a payment. Any other dotted type is sent as is.
        Also: --membership <mem_…>, --payment <pay_…>, --company <biz_…>, --amount <29.99>, --currency <usd>
  sign --body <json|@file> [--secret ws_…] [--id msg_…] [--timestamp <unix seconds>]
        Print valid Standard Webhooks headers for a body, offline (secret defaults to the sandbox's).
  memberships [--company <biz_…>] [--user <id>] [--product <id>] [--status <status|valid>]
        List memberships, newest first.
  users          List users and the companies they administer.
  deliveries     List webhook deliveries and their last response.
  app            Show the registered app (client id, redirect URI, webhook URL, …).
  reset          Put the sandbox back to its seed.

Options
  --json         Print the raw JSON answer.
  -h, --help     Show this help.

Examples
  npm run whop -- trigger membership.activated --user user_student1 --product prod_course1
  npm run whop -- trigger membership.deactivated --user user_student1 --product prod_course1 --status canceled
  npm run whop -- trigger payment.failed --user user_creator_pro --product prod_pro
  npm run whop -- sign --body '{"type":"membership.activated"}'
`;
