// A file to send, picked or dropped, shown before it goes: a picture as itself, a PDF as its icon,
// with its name and size. The payment slip and the supplier invoice both take one this way; the
// core checks the bytes, so `accept` only narrows what the browser's picker offers.
import { useRef, useState, type KeyboardEvent } from 'react';
import { fieldMessage } from '../errors';
import { fileSize } from '../format';
import { useObjectUrl } from '../files';
import { useT } from '../i18n';

/** The contract's fields for an uploaded file: their errors show at the drop zone, not the banner. */
export const fileFields = ['file', 'fileName', 'contentBase64'];

export function PdfIcon() {
  return (
    <svg className="pdf-icon" viewBox="0 0 40 48" aria-hidden="true">
      <path d="M4 2h22l10 10v34H4z" fill="#fff" stroke="#b91c1c" strokeWidth="2" />
      <path d="M26 2v10h10" fill="none" stroke="#b91c1c" strokeWidth="2" />
      <rect x="2" y="26" width="30" height="12" rx="2" fill="#b91c1c" />
      <text x="17" y="35.5" textAnchor="middle" fontSize="9" fontWeight="700" fill="#fff">
        PDF
      </text>
    </svg>
  );
}

/**
 * The file chosen, if any. `onChosen` runs when a file is picked or dropped (to clear what the last
 * one said). Esc in the form puts it back and goes no further, so the screen around stays.
 */
export function useChosenFile(onChosen: () => void) {
  const [file, setFile] = useState<File | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const clear = () => {
    setFile(null);
    // The same file picked again is then a change the input reports.
    if (input.current) input.current.value = '';
  };
  return {
    file,
    input,
    clear,
    choose(f: File | undefined) {
      if (!f) return;
      setFile(f);
      onChosen();
    },
    onKeyDown(e: KeyboardEvent) {
      if (e.key === 'Escape' && file) {
        e.preventDefault();
        e.stopPropagation();
        clear();
      }
    },
  };
}

export type ChosenFile = ReturnType<typeof useChosenFile>;

/** The words of one use: the prompt, the button before and after a choice, the input's name. */
interface Words {
  drop: string;
  choose: string;
  chooseAnother: string;
  file: string;
  preview(name: string): string;
}

export function FileDrop({
  chosen,
  error,
  accept,
  words,
}: {
  chosen: ChosenFile;
  error: unknown;
  accept: string;
  words: Words;
}) {
  useT('errors'); // the message below, said again when the person switches language
  const [over, setOver] = useState(false);
  const { file, choose } = chosen;
  const preview = useObjectUrl(file?.type.startsWith('image/') ? file : null);
  const message = fileFields.map((f) => fieldMessage(error, f)).find(Boolean);
  return (
    <div
      className={`dropzone${over ? ' over' : ''}${message ? ' invalid' : ''}`}
      data-field="file"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        choose(e.dataTransfer.files[0]);
      }}
    >
      {file ? (
        <div className="slip-preview">
          {preview ? <img src={preview} alt={words.preview(file.name)} /> : <PdfIcon />}
          <div>
            <strong data-chosen>{file.name}</strong>
            <div className="muted">{fileSize(file.size)}</div>
          </div>
        </div>
      ) : (
        <p>{words.drop}</p>
      )}
      <label className="btn">
        {file ? words.chooseAnother : words.choose}
        <input
          ref={chosen.input}
          type="file"
          className="sr-only"
          aria-label={words.file}
          accept={accept}
          onChange={(e) => choose(e.target.files?.[0])}
        />
      </label>
      {message && (
        <p className="field-error" role="alert" data-upload-error>
          {message}
        </p>
      )}
    </div>
  );
}
