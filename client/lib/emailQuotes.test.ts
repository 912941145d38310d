import { describe, expect, it } from 'vitest';
import { foldQuotedHtml, splitQuotedText } from './emailQuotes.ts';
import { safeEmailHtml } from './safeEmailHtml.ts';

describe('folding the quoted history of an email reply', () => {
  it('plain text: the attribution line and the > lines after what the sender wrote are folded', () => {
    const text = 'Thanks, it arrived!\n\nAna\n\nOn Tue, Mar 4, 2025 at 10:02 AM Acme Support <support@acme.example> wrote:\n> Your parcel ships today.\n>\n> Dana';
    expect(splitQuotedText(text)).toEqual({
      body: 'Thanks, it arrived!\n\nAna',
      quoted: 'On Tue, Mar 4, 2025 at 10:02 AM Acme Support <support@acme.example> wrote:\n> Your parcel ships today.\n>\n> Dana',
    });
  });

  it('plain text: other languages, bare > lines, and Outlook’s "Original Message" copy', () => {
    expect(splitQuotedText('Merci !\nLe mar. 4 mars 2025, Acme a écrit :\n> Bonjour').quoted).toBe('Le mar. 4 mars 2025, Acme a écrit :\n> Bonjour');
    expect(splitQuotedText('Yes please.\n> Shall we refund it?\n> Dana\n\n').quoted).toBe('> Shall we refund it?\n> Dana');
    expect(splitQuotedText('See below.\n\n-----Original Message-----\nFrom: Acme\nSubject: Order').quoted).toBe('-----Original Message-----\nFrom: Acme\nSubject: Order');
  });

  it('plain text: nothing is folded when there is no trailing quote, when quotes are inline, or when the whole mail is a quote', () => {
    for (const text of ['Just a message.', '> I asked about X\nYes, X is fine.\n> and Y?\nY too.', '> only a quote\n> nothing else']) {
      expect(splitQuotedText(text)).toEqual({ body: text, quoted: null });
    }
  });

  const folded = (html: string) => {
    const div = document.createElement('div');
    div.append(safeEmailHtml(html));
    foldQuotedHtml(div);
    return div;
  };

  it('HTML: a trailing blockquote with its attribution goes into a "Show quoted text" disclosure', () => {
    const div = folded('<p>Thanks, it arrived!</p><div>On Tue, Acme Support wrote:</div><blockquote><p>Your parcel ships today.</p></blockquote>');
    const details = div.querySelector('details.email-quote');
    expect(details?.querySelector('summary')?.textContent).toBe('Show quoted text');
    expect(details?.textContent).toContain('On Tue, Acme Support wrote:');
    expect(details?.textContent).toContain('Your parcel ships today.');
    expect(div.firstElementChild?.textContent).toBe('Thanks, it arrived!');
  });

  it('HTML: Gmail’s wrapper (attribution and blockquote in one div) is folded as a whole', () => {
    const div = folded('<div>Great, thanks!</div><br><div><div>On Tue, 4 Mar 2025, Acme Support wrote:<br></div><blockquote><div>Ships today.</div></blockquote></div>');
    expect(div.querySelector('details.email-quote')?.textContent).toContain('Ships today.');
    expect(div.querySelector('details')?.previousSibling?.textContent).not.toContain('Ships today.');
  });

  it('HTML: a quote in the middle, or a mail that is only a quote, stays as it is', () => {
    expect(folded('<blockquote>You asked X</blockquote><p>X is fine.</p>').querySelector('details')).toBeNull();
    expect(folded('<blockquote>Forwarded text only</blockquote>').querySelector('details')).toBeNull();
  });
});
