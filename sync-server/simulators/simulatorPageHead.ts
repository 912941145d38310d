/**
 * The shared top of the simulators' customer pages (phone, mail client): doctype, head and the
 * stylesheet both pages use (coloured header, customer list on the left, one panel on the right,
 * form controls), themed by the page's accent colour. Each page passes its own title and the CSS
 * that only it needs; the result ends after `</head>`, and the page writes its `<body>`.
 */
export interface SimulatorPageLook {
  /** Document title, e.g. "Mail client". */
  title: string;
  /** Header and primary button background, selected customer border. */
  accent: string;
  /** Selected customer background, a light tint of the accent. */
  accentTint: string;
  /** Keyboard focus outline, contrasting with the accent. */
  focusRing: string;
  /** Largest width of the right-hand panel, e.g. "640px". */
  panelWidth: string;
  /** Below this viewport width the two columns stack, e.g. "760px". */
  stackBelow: string;
  /** CSS rules only this page uses, one per line. */
  pageStyles: string;
}

export function simulatorPageHead(look: SimulatorPageLook): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${look.title} · Switchboard simulators</title>
<style>
  :root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1f2937; background: #eef0f3; }
  body { margin: 0; }
  header { padding: 12px 20px; background: ${look.accent}; color: #fff; }
  header h1 { margin: 0; font-size: 18px; }
  header p { margin: 4px 0 0; font-size: 13px; opacity: .9; }
  header a { color: #fff; }
  main { display: grid; grid-template-columns: minmax(220px, 300px) minmax(0, ${look.panelWidth}); gap: 20px; padding: 20px; justify-content: center; }
  section { background: #fff; border-radius: 12px; padding: 14px; box-shadow: 0 1px 3px rgb(16 24 40 / 12%); }
  h2 { font-size: 15px; margin: 0 0 10px; }
  ul.customers { list-style: none; margin: 0 0 14px; padding: 0; }
  ul.customers button { width: 100%; text-align: left; padding: 8px 10px; margin-bottom: 4px; border: 1px solid #cfd4da; border-radius: 8px; background: #fff; font: inherit; cursor: pointer; }
  ul.customers button[aria-pressed="true"] { background: ${look.accentTint}; border-color: ${look.accent}; font-weight: 600; }
  fieldset { border: 1px solid #e2e5e9; border-radius: 8px; margin: 0; padding: 8px 10px; }
  label { display: block; font-size: 13px; margin: 6px 0 2px; }
  input[type=text], input[type=email], input[type=tel], textarea, select { width: 100%; box-sizing: border-box; font: inherit; padding: 6px 8px; border: 1px solid #cfd4da; border-radius: 6px; }
  button.primary { margin-top: 8px; padding: 7px 14px; border: 0; border-radius: 6px; background: ${look.accent}; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible { outline: 2px solid ${look.focusRing}; outline-offset: 2px; }
${look.pageStyles.replace(/^\n+|\s+$/g, '')}
  .empty { color: #4b5563; font-size: 14px; }
  .error { color: #b91c1c; font-size: 13px; }
  [hidden] { display: none !important; }
  @media (max-width: ${look.stackBelow}) { main { grid-template-columns: 1fr; } }
</style>
</head>
`;
}
