/** The `custom` spec of our form-backed domain actions (QuotaActionForm, CardKeyActionForm). */
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
}

export interface FormSpec<F extends Field = Field> {
  title: string;
  description?: string;
  submitLabel: string;
  fields: F[];
  /** Record params shown above the form (label → param path). */
  summary?: Array<{ label: string; path: string }>;
}
