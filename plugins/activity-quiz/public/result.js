// While an attempt is being graded, ask the server every 2 s and reload once the grader is done.
const note = document.getElementById('grading-note');
const id = note.dataset.attemptId;
const poll = async () => {
  try {
    const r = await fetch(`/api/v1/activity-quiz/attempts/${id}`, { credentials: 'same-origin' });
    const j = await r.json();
    // Graded, or waiting for a trainer's grade of an essay: either way the page has news.
    if (j.attempt?.state && j.attempt.state !== 'submitted' && j.attempt.state !== 'in_progress') return window.location.reload();
  } catch { /* try again */ }
  setTimeout(poll, 2000);
};
setTimeout(poll, 1000);
