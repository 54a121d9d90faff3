export { embed, profileEvent, type ProfileEventOptions } from '../../credit/internal/events.js'
