/**
 * Three animated dots under the thread while the contact composes a message ("Ana is typing").
 * A polite status region, so a screen reader hears it once; the dots themselves are decoration
 * (still, with reduced motion).
 */
export function TypingIndicator(props: { name: string }) {
  return (
    <div class="typing-indicator" role="status">
      <span class="typing-indicator__bubble" aria-hidden="true">
        <span class="typing-indicator__dot" />
        <span class="typing-indicator__dot" />
        <span class="typing-indicator__dot" />
      </span>
      <span class="typing-indicator__text">{props.name} is typing…</span>
    </div>
  );
}
