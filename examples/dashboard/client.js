// The dashboard page's script (served as /client.js, no framework, no eval). Filters apply at once
// and live in the URL (back and forward restore them); the feed is fetched again from `/feed` when
// they change or when the live stream (`/events/stream`) announces an event; mark-as-read posts
// to `/api/read` and `/api/read-all`; relative times are kept current.
/* global window, document, location, history, fetch, URLSearchParams, EventSource, CSS, setInterval */
;(() => {
  const form = document.getElementById('filters')
  const feed = document.getElementById('feed')
  const status = document.getElementById('live-status')
  if (form === null || feed === null) return
  const names = ['as', 'tool', 'group', 'type', 'member']
  let latest = 0

  const query = () => {
    const q = new URLSearchParams()
    for (const name of names) {
      const value = form.elements.namedItem(name)?.value ?? ''
      if (value !== '') q.set(name, value)
    }
    const s = q.toString()
    return s === '' ? '' : `?${s}`
  }

  const refresh = async () => {
    const mine = ++latest
    const response = await fetch(`/feed${location.search}`, { headers: { accept: 'text/html' } })
    if (!response.ok || mine !== latest) return
    const html = await response.text()
    if (mine !== latest) return
    // Keep the keyboard where it was when the button it was on is re-rendered.
    const focused = document.activeElement
    const focusKey = focused?.closest?.('[data-id]')?.getAttribute('data-id')
    feed.innerHTML = html
    if (focusKey) {
      const again = feed.querySelector(`[data-id="${CSS.escape(focusKey)}"] a`)
      if (again) again.focus()
    } else if (focused?.id === 'mark-all') {
      document.getElementById('count')?.focus()
    }
    document.body.dataset.feedVersion = String(mine)
    tick()
  }

  form.addEventListener('change', () => {
    const q = query()
    if (q !== location.search) history.pushState(null, '', `${location.pathname}${q}`)
    void refresh()
  })
  window.addEventListener('popstate', () => {
    const q = new URLSearchParams(location.search)
    for (const name of names) {
      const select = form.elements.namedItem(name)
      if (select) select.value = q.get(name) ?? ''
    }
    void refresh()
  })

  const post = async (path, body) => {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (response.ok) await refresh()
  }
  feed.addEventListener('click', (event) => {
    const button = event.target.closest?.('button')
    const member = new URLSearchParams(location.search).get('as')
    if (!button || !member) return
    if (button.id === 'mark-all') void post('/api/read-all', { member })
    else if (button.classList.contains('mark-read'))
      void post('/api/read', { member, source: button.dataset.source, id: button.dataset.id })
  })

  const words = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
  const relative = (iso) => {
    const t = Date.parse(iso)
    if (Number.isNaN(t)) return iso
    const s = Math.round((t - Date.now()) / 1000)
    const a = Math.abs(s)
    if (a < 45) return 'just now'
    if (a < 2700) return words.format(Math.round(s / 60), 'minute')
    if (a < 79200) return words.format(Math.round(s / 3600), 'hour')
    return words.format(Math.round(s / 86400), 'day')
  }
  const tick = () => {
    for (const t of document.querySelectorAll('time[datetime]'))
      t.textContent = relative(t.getAttribute('datetime'))
  }
  setInterval(tick, 30_000)

  if ('EventSource' in window) {
    const stream = new EventSource('/events/stream')
    const show = (state, text) => {
      document.body.dataset.live = state
      if (status) status.textContent = text
    }
    show('connecting', 'Connecting for live updates…')
    let opened = false
    stream.addEventListener('open', () => {
      show('open', 'Live: new events appear as they arrive.')
      // After a reconnection, what arrived meanwhile was not announced: read the feed again.
      if (opened) void refresh()
      opened = true
    })
    stream.addEventListener('error', () => show('retrying', 'Live updates paused; reconnecting…'))
    stream.addEventListener('notification', () => void refresh())
  }
})()
