// Loads every profile's kinds into the dashboard's `kinds` registry (one file per profile).
import './decisions.js'
import './budgeting.js'
import './credit.js'
import './tasks.js'
