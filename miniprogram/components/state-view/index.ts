/**
 * Loading, empty and error states of a page (nothing when `state` is "ready"). The error state has
 * a retry button that fires `retry`.
 */
Component({
  properties: {
    state: { type: String, value: 'loading' },
    text: { type: String, value: '' },
    loadingText: { type: String, value: '' },
    retryText: { type: String, value: '' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
