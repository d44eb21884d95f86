// The record form's grounds: a box that keeps in view only the grounds whose citation or
// title holds every word typed. Without this script every group is listed, each foldable.
(() => {
  const field = document.getElementById('grounds');
  if (!field) return;
  const label = document.createElement('label');
  label.htmlFor = 'grounds-filter';
  label.textContent = 'Filter the grounds by section or name';
  const input = document.createElement('input');
  input.type = 'search';
  input.id = 'grounds-filter';
  input.autocomplete = 'off';
  input.setAttribute('aria-describedby', 'grounds-shown');
  const status = document.createElement('p');
  status.id = 'grounds-shown';
  status.className = 'hint';
  status.setAttribute('aria-live', 'polite');
  const box = document.createElement('div');
  box.className = 'grounds-filter';
  box.append(label, input, status);
  field.insertBefore(box, field.querySelector('details'));

  const update = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    let total = 0;
    for (const group of field.querySelectorAll('details')) {
      let inGroup = 0;
      for (const item of group.querySelectorAll('.checkbox')) {
        const text = item.textContent.toLowerCase();
        // A ticked ground stays in view, so that nothing chosen is hidden from its chooser.
        const keep = item.querySelector('input').checked || words.every((w) => text.includes(w));
        item.hidden = !keep;
        total += 1;
        if (keep) {
          shown += 1;
          inGroup += 1;
        }
      }
      group.hidden = inGroup === 0;
      if (words.length > 0 && inGroup > 0) group.open = true;
    }
    status.textContent = words.length > 0 ? `${shown} of ${total} grounds shown.` : '';
  };
  input.addEventListener('input', update);
  // Enter in the box filters; it must not send the form half filled.
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') e.preventDefault();
  });
})();
