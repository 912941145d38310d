import { describe, expect, it } from 'vitest';
import { safeEmailHtml } from './safeEmailHtml.ts';

const render = (html: string) => {
  const div = document.createElement('div');
  div.append(safeEmailHtml(html));
  return div.innerHTML;
};

describe('MAIL1: the client shows email HTML only through its own allow-list', () => {
  it('keeps formatting and safe links', () => {
    expect(render('<p>Hi <b>Ana</b>, <a href="https://shop.example/o">order</a></p><ul><li>one</li></ul>')).toBe(
      '<p>Hi <b>Ana</b>, <a href="https://shop.example/o" target="_blank" rel="noopener noreferrer nofollow">order</a></p><ul><li>one</li></ul>',
    );
  });

  it('drops scripts, handlers, styles, frames, forms, images and unsafe links, even if the server let them through', () => {
    const out = render(
      '<p onclick="steal()" style="position:fixed">x<script>alert(1)</script></p><img src=x onerror=alert(1)><iframe src="https://evil.example"></iframe>' +
        '<a href="javascript:alert(1)">j</a><form action="https://evil.example"><input value="pw"></form><style>*{}</style><svg onload="alert(1)"><text>s</text></svg>',
    );
    expect(out).toBe('<p>x</p><a>j</a>');
  });

  it('shows headings as bold paragraphs and keeps the text of unknown wrappers', () => {
    expect(render('<h1>Title</h1><center><font color="red">text</font></center>')).toBe('<p class="email-body__heading">Title</p>text');
  });
});
