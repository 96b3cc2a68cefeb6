/**
 * The API service-status notice: one line per API (or per notice) with a level. Folded
 * while every line is "ok"; unfolded, in red, as soon as one is not. The home page turns the
 * server's answer into lines, so per-API statuses later are just more lines.
 */
export type StatusLevel = 'ok' | 'warning' | 'down';
export interface StatusLine {
  key: string;
  name: string;
  text: string;
  level: StatusLevel;
  levelText: string;
}

Component({
  properties: {
    lines: { type: Array, value: [] as StatusLine[] },
    title: { type: String, value: '' },
    okText: { type: String, value: '' },
    problemText: { type: String, value: '' },
    showText: { type: String, value: '' },
    hideText: { type: String, value: '' },
  },
  data: { open: false, problem: false, summary: '' },
  observers: {
    'lines, okText, problemText'(lines: StatusLine[], okText: string, problemText: string) {
      const problem = lines.some((l) => l.level !== 'ok');
      this.setData({ problem, open: problem, summary: problem ? problemText : okText });
    },
  },
  methods: {
    onToggle() {
      this.setData({ open: !this.data.open });
    },
  },
});
