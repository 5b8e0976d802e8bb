// html-validate's configuration for the HTML Chronos and the Whop sandbox send (checked on every
// page the e2e journeys visit, test/e2e/support/page-audit.ts). A JavaScript file so that every
// rule turned off says why.
export default {
  extends: ['html-validate:recommended'],
  rules: {
    // EJS leaves the indentation of its control-flow tags (`<% if … %>`) at the ends of lines.
    // Invisible in the page, meaningless to browsers and assistive technology, and removing it
    // would mean unreadable templates.
    'no-trailing-whitespace': 'off',
  },
};
