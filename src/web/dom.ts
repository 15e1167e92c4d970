// The page's DOM helpers: an element by id (typed by the caller), a number input's value, and the
// chosen value of a radio group.
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
export const num = (id: string) => Number($<HTMLInputElement>(id).value);
export const selected = (name: string) => (document.querySelector(`input[name=${name}]:checked`) as HTMLInputElement).value;
export const setRadio = (name: string, value: string) => {
  const el = document.querySelector<HTMLInputElement>(`input[name=${name}][value=${value}]`);
  if (el) el.checked = true;
};
