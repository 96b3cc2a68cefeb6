/** The `custom` spec of a domain command's form (admin/components/CommandForm.tsx). Texts are zh-CN; the locales translate them. */
export interface Option {
  value: string;
  label: string;
}

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'textarea' | 'select';
  required?: boolean;
  placeholder?: string;
  options?: Option[];
  /** Shown (and sent) only while another field has this value, e.g. an amount for one decision. */
  showWhen?: { field: string; value: string };
  /** Options from the action's GET answer (`options[optionsKey]`); with `dependsOn`, `options[optionsKey + ':' + value of that field]`. */
  optionsKey?: string;
  dependsOn?: string;
  /** Prefilled from the list page's `filters.<name>` query parameter. */
  fromFilter?: string;
}

export interface FormSpec<F extends Field = Field> {
  title: string;
  description?: string;
  submitLabel: string;
  fields: F[];
  /** Record params shown above the form (label → param path). */
  summary?: Array<{ label: string; path: string }>;
}
