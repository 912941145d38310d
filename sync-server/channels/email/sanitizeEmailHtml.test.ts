import { describe, expect, it } from 'vitest';
import { sanitizeInboundHtml, sanitizeOutboundHtml } from './sanitizeEmailHtml.ts';

describe('MAIL1: inbound HTML is sanitised before any agent sees it', () => {
  it.each([
    ['<script>alert(1)</script><p>hi</p>', '<p>hi</p>'],
    ['<p onclick="x()" style="position:fixed">hi</p>', '<p>hi</p>'],
    ['<a href="javascript:alert(1)">x</a>', '<a target="_blank" rel="noopener noreferrer nofollow">x</a>'],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', '<a target="_blank" rel="noopener noreferrer nofollow">x</a>'],
    ['<a href="data:text/html,<script>1</script>">x</a>', '<a target="_blank" rel="noopener noreferrer nofollow">x</a>'],
    ['<a href="//evil.example">x</a>', '<a target="_blank" rel="noopener noreferrer nofollow">x</a>'],
    ['<a href="https://ok.example" target="_self" rel="opener">x</a>', '<a href="https://ok.example" target="_blank" rel="noopener noreferrer nofollow">x</a>'],
    ['<img src="https://tracker.example/p.gif" alt="Logo">', '<span>[image: Logo]</span>'],
    ['<p>a<iframe src="https://evil.example">x</iframe><object data="x"></object><embed src="x"></p>', '<p>a</p>'],
    ['<svg><script>alert(1)</script></svg><math><mi>x</mi></math><p>ok</p>', '<p>ok</p>'],
    ['<form action="https://evil.example"><input name="pw"><button>go</button></form><p>ok</p>', 'go<p>ok</p>'],
    ['<style>body{display:none}</style><link rel="stylesheet" href="x"><meta http-equiv="refresh" content="0;url=x"><p>ok</p>', '<p>ok</p>'],
    ['<base href="https://evil.example/"><p>ok</p>', '<p>ok</p>'],
    ['<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['<table><tr><td colspan="2" onmouseover="x">c</td></tr></table>', '<table><tr><td colspan="2">c</td></tr></table>'],
  ])('%s', (input, output) => {
    expect(sanitizeInboundHtml(input)).toBe(output);
  });

  it('returns null when nothing visible remains', () => {
    expect(sanitizeInboundHtml('<script>x</script>')).toBeNull();
    expect(sanitizeInboundHtml('<p> &nbsp; </p>')).toBeNull();
  });
});

describe('MAIL5: an agent’s HTML is reduced to the canned-response markup', () => {
  it('keeps p, br, strong, em, lists and http(s)/mailto links only', () => {
    expect(sanitizeOutboundHtml('<p>Hi <strong>Ana</strong>, <em>see</em> <a href="https://shop.example">here</a><br></p><ul><li>a</li></ul>')).toBe(
      '<p>Hi <strong>Ana</strong>, <em>see</em> <a href="https://shop.example">here</a><br /></p><ul><li>a</li></ul>',
    );
    expect(sanitizeOutboundHtml('<p style="color:red" onclick="x">a<img src="https://t.example/p.gif"><a href="javascript:x">b</a></p>')).toBe('<p>a<a>b</a></p>');
    expect(sanitizeOutboundHtml('<script>1</script>')).toBeNull();
  });
});
