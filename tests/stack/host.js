// A stack for the tests: Celigo's integrator-extension (the framework real
// stacks are built on) behind a small Express app that speaks the stack
// protocol: POST /function with the system token, 200 with the result (or
// empty), 422 with the function's errors, 401 for a wrong token, and GET
// /healthCheck. A function whose options.configuration.processingFirst is
// true gets a 102 Processing interim answer before its result, as a stack
// sends one during a long call.
//
// usage: node host.js SYSTEM_TOKEN [CONNECTOR_ID]   (prints "listening PORT"
// once ready; with CONNECTOR_ID the functions serve that connector instead)
'use strict'

const express = require('express')
const Extension = require('integrator-extension')
const functions = require('./functions')

const systemToken = process.argv[2]
const extension = new Extension()
const app = express()
app.use(express.json({ limit: '20mb' }))

app.get('/healthCheck', (req, res) => res.json({ ok: true }))

app.post('/function', (req, res) => {
  if (req.get('Authorization') !== 'Bearer ' + systemToken) {
    return res.status(401).json({ errors: [{ code: 'unauthorized', message: 'Bad system token' }] })
  }
  const { options, ...envelope } = req.body || {}
  if (options && options.configuration && options.configuration.processingFirst) res.writeProcessing()
  extension.callFunction(options, envelope, (err, result) => {
    if (err) return res.status(err.statusCode || 422).json({ errors: err.errors })
    if (result === undefined) return res.status(200).end()
    return res.status(200).json(result)
  })
})

// (The framework takes diy or connectors, not both.)
const configuration = process.argv[3] ? { connectors: { [process.argv[3]]: functions } } : { diy: functions }
extension.loadConfiguration(configuration, (err) => {
  if (err) {
    console.error('configuration refused:', err)
    process.exit(1)
  }
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write('listening ' + server.address().port + '\n')
  })
})
