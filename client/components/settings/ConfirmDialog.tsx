import { onMount } from 'solid-js';

export interface ConfirmDialogProps {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A modal yes/no question (delete…), with focus on Cancel so Enter never destroys by surprise. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  let dialog: HTMLDialogElement | undefined;
  let cancel: HTMLButtonElement | undefined;
  let confirmed = false;
  onMount(() => {
    dialog?.showModal();
    cancel?.focus();
  });
  return (
    <dialog
      ref={dialog}
      class="confirm"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      onClose={() => (confirmed ? props.onConfirm() : props.onCancel())}
    >
      <h2 id="confirm-title" class="confirm__title">
        {props.title}
      </h2>
      <p id="confirm-message" class="confirm__message">
        {props.message}
      </p>
      <div class="confirm__actions">
        <button ref={cancel} type="button" class="button" onClick={() => dialog?.close()}>
          Cancel
        </button>
        <button
          type="button"
          class="button button--danger"
          onClick={() => {
            confirmed = true;
            dialog?.close();
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
