// The conversation's clicks and keys: example questions, copy as Markdown, citation chips, cards
// (which open the viewer). Gradio's js_on_load runs it with `element` and `trigger` in scope.
element.addEventListener('click', (event) => {
  const example = event.target.closest('[data-example]');
  if (example) { trigger('ask_example', {question: example.dataset.example}); return; }
  const copy = event.target.closest('[data-copy]');
  if (copy) {
    const source = element.querySelector('#' + copy.dataset.copy);
    const text = source ? source.value : '';
    const done = () => { copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = 'Copy as Markdown'; }, 1500); };
    const fallback = () => { source.hidden = false; source.select(); document.execCommand('copy'); source.hidden = true; done(); };
    if (navigator.clipboard) { navigator.clipboard.writeText(text).then(done, fallback); } else { fallback(); }
    return;
  }
  const ref = event.target.closest('[data-ref]');
  if (ref) {
    event.preventDefault();
    const cards = ref.closest('.answer').querySelectorAll('.card');
    const card = cards[Number(ref.dataset.ref) - 1];
    if (card) { card.scrollIntoView({block: 'nearest', behavior: 'smooth'}); card.classList.add('flash'); setTimeout(() => card.classList.remove('flash'), 1200); }
    return;
  }
  const card = event.target.closest('[data-passage]');
  if (card) { trigger('open_passage', {passage: card.dataset.passage}); }
});
element.addEventListener('keydown', (event) => {
  const card = event.target.closest('[data-passage]');
  if (card && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    trigger('open_passage', {passage: card.dataset.passage});
  }
});
