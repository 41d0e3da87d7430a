() => {
  const scroll = () => {
    const mark = document.querySelector('#__VIEWER_ID__ #passage');
    const body = document.querySelector('#__VIEWER_ID__ .viewer-body');
    if (!mark || !body) return false;
    body.scrollTop += mark.getBoundingClientRect().top - body.getBoundingClientRect().top - 40;
    document.querySelector('#__VIEWER_ID__').scrollIntoView({block: 'nearest'});
    return true;
  };
  let tries = 0;
  const retry = () => { if (!scroll() && ++tries < 20) setTimeout(retry, 50); };
  setTimeout(retry, 30);
}
