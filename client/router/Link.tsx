import { type JSX, splitProps } from 'solid-js';
import { isPlainLeftClick, navigate } from './router.ts';

/** An <a> that navigates in place (history API) on a plain left click. */
export function Link(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const [local, rest] = splitProps(props, ['href', 'onClick']);
  return (
    <a
      {...rest}
      href={local.href}
      onClick={(event) => {
        if (typeof local.onClick === 'function') (local.onClick as (e: MouseEvent) => void)(event);
        if (!isPlainLeftClick(event)) return;
        event.preventDefault();
        navigate(local.href);
      }}
    />
  );
}
