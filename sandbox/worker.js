// One script worker: integratord starts a few of these (sandbox/
// script_pool.hpp) and hands each one call at a time over stdin/stdout.
//
// Frames, both ways: a 4-byte big-endian length, then that many bytes.
//   call:   [header JSON {id, scriptId, hash, code, function, check?, each?}] [options JSON]
//           (check: only compile the script; each: call the function once
//           per record of options.records, answering the array of results)
//   answer: [header JSON {id, ok, code, message, logs}]        [result JSON or empty]
// Options stay text until the script's own context parses them, so every
// object a script touches belongs to its context.
//
// A script runs in a vm context of its own (one per script version, kept
// warm between calls) that holds no process, no file or network access and
// cannot compile code from strings (eval, new Function; which also closes
// the constructor escapes out of the context). The process itself runs with
// an empty environment, reads only this folder (Node's permission model)
// and has no child processes or worker threads; integratord kills it when a
// call outlasts the time limit, and V8 stops it at the memory limit.
'use strict'

const vm = require('vm')
const http = require('http')
const https = require('https')
const path = require('path')

const apiURL = process.argv[2] || ''
const modules = path.join(__dirname, 'node_modules')
const libraries = {
  dayjs: require(path.join(modules, 'dayjs')),
  sjcl: require(path.join(modules, 'sjcl'))
}

// -- the integrator-api module: calls back with the current call's token ---

let current = null  // {token, logs}

function callAPI (method, target, body, headers) {
  const token = current && current.token
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? '' : JSON.stringify(body)
    const url = new URL(target, apiURL)
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method,
      headers: Object.assign({ Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' }, headers)
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c) => { text += c })
      res.on('end', () => {
        let parsed = text
        try { parsed = text ? JSON.parse(text) : undefined } catch (e) {}
        if (res.statusCode >= 300) {
          const err = new Error(method + ' ' + target + ' answered ' + res.statusCode + ': ' + text)
          err.statusCode = res.statusCode
          err.body = parsed
          return reject(err)
        }
        resolve(parsed)
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
}

const integratorAPI = Object.freeze({
  exports: Object.freeze({
    run: ({ _id, ...rest }) => callAPI('POST', '/v1/exports/' + encodeURIComponent(_id) + '/invoke',
      Object.keys(rest).length ? rest : undefined)
  }),
  imports: Object.freeze({
    run: ({ _id, data }) => callAPI('POST', '/v1/imports/' + encodeURIComponent(_id) + '/invoke', { data })
  }),
  flows: Object.freeze({
    run: ({ _id, ...rest }) => callAPI('POST', '/v1/flows/' + encodeURIComponent(_id) + '/run', rest)
  }),
  request: ({ connection, method = 'GET', relativeURI = '/', body, headers }) =>
    callAPI('POST', '/v1/connections/' + encodeURIComponent(connection) + '/proxy', body,
      Object.assign({}, headers, { 'Integrator-Relative-URI': relativeURI, 'Integrator-Method': method }))
})

function requireFor (name) {
  if (name === 'integrator-api') return integratorAPI
  if (Object.prototype.hasOwnProperty.call(libraries, name)) return libraries[name]
  throw new Error("Cannot find module '" + name + "': scripts may use integrator-api, dayjs and sjcl")
}

// -- compiling scripts -----------------------------------------------------

// ES module syntax as hooks are written (import … from, export function …)
// becomes CommonJS on the same lines, so line numbers in errors still hold.
function toCommonJS (code) {
  return code
    .replace(/^(\s*)import\s+\*\s+as\s+([\w$]+)\s+from\s+(['"][^'"]+['"])\s*;?/gm, '$1const $2 = require($3);')
    .replace(/^(\s*)import\s+([\w$]+)\s*,\s*\{([^}]*)\}\s+from\s+(['"][^'"]+['"])\s*;?/gm,
      (m, s, def, names, mod) => s + 'const ' + def + ' = require(' + mod + '); const {' + renames(names) + '} = ' + def + ';')
    .replace(/^(\s*)import\s+\{([^}]*)\}\s+from\s+(['"][^'"]+['"])\s*;?/gm,
      (m, s, names, mod) => s + 'const {' + renames(names) + '} = require(' + mod + ');')
    .replace(/^(\s*)import\s+([\w$]+)\s+from\s+(['"][^'"]+['"])\s*;?/gm, '$1const $2 = require($3);')
    .replace(/^(\s*)export\s+default\s+/gm, '$1module.exports.default = ')
    .replace(/^(\s*)export\s+(?=(async\s+)?function|const|let|var|class)/gm, '$1')
}

function renames (names) {
  return names.replace(/([\w$]+)\s+as\s+([\w$]+)/g, '$1: $2')
}

const compiled = new Map()  // script id and hash → {ctx, parse: the context's own JSON.parse}

function contextFor (header) {
  const key = header.scriptId + ':' + header.hash
  const known = compiled.get(key)
  if (known) return known
  const module = { exports: {} }
  const logger = (level) => (...args) => {
    if (current) current.logs.push({ level, message: args.map(show).join(' '), time: new Date().toISOString() })
  }
  const ctx = vm.createContext({
    console: Object.freeze({ log: logger('info'), info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug') }),
    require: requireFor,
    module,
    exports: module.exports,
    setTimeout,
    clearTimeout,
    setImmediate,
    clearImmediate,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder
  }, { codeGeneration: { strings: false, wasm: false }, name: 'script ' + header.scriptId })
  new vm.Script(toCommonJS(header.code), { filename: 'script-' + header.scriptId + '.js' }).runInContext(ctx)
  const entry = { ctx, parse: vm.runInContext('JSON.parse', ctx) }
  compiled.set(key, entry)
  return entry
}

function show (v) {
  if (typeof v === 'string') return v
  try { return JSON.stringify(v) } catch (e) { return String(v) }
}

function findFunction (ctx, name) {
  if (typeof ctx[name] === 'function') return ctx[name]
  const exported = ctx.module && ctx.module.exports
  if (exported && typeof exported[name] === 'function') return exported[name]
  return null
}

// -- the call loop ------------------------------------------------------------

function frame (text) {
  const body = Buffer.from(text, 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32BE(body.length)
  return [len, body]
}

function answer (header, result) {
  const parts = frame(JSON.stringify(header)).concat(frame(result === undefined ? '' : result))
  process.stdout.write(Buffer.concat(parts))
}

async function run (header, optionsText) {
  current = { token: null, logs: [] }
  const reply = { id: header.id, ok: false }
  if (header.check) {  // compiled, not run: a save checks the syntax only
    try {
      new vm.Script(toCommonJS(header.code), { filename: 'script-' + header.scriptId + '.js' })  // eslint-disable-line no-new
      reply.ok = true
    } catch (e) {
      reply.code = 'script_error'
      reply.message = 'script ' + header.scriptId + ' does not compile: ' + describe(e)
    }
    return answer(Object.assign(reply, { logs: [] }))
  }
  try {
    let entry
    try {
      entry = contextFor(header)
    } catch (e) {
      reply.code = 'script_error'
      reply.message = 'script ' + header.scriptId + ' does not load: ' + describe(e)
      return answer(Object.assign(reply, { logs: current.logs }))
    }
    const fn = findFunction(entry.ctx, header.function)
    if (!fn) {
      reply.code = 'function_not_found'
      reply.message = 'script ' + header.scriptId + ' has no function ' + header.function
      return answer(Object.assign(reply, { logs: current.logs }))
    }
    const options = entry.parse(optionsText)
    current.token = options.bearerToken
    const result = header.each ? await eachRecord(fn, options) : await fn(options)
    const text = result === undefined ? undefined : JSON.stringify(result)
    reply.ok = true
    answer(Object.assign(reply, { logs: current.logs }), text)
  } catch (e) {
    reply.code = (e && (e.code || e.name)) || 'Error'
    reply.message = describe(e)
    answer(Object.assign(reply, { logs: current.logs }))
  }
}

// A script filter or transform: fn({...options, record}) for each record
// of options.records, in order.
async function eachRecord (fn, options) {
  const { records, ...common } = options
  const out = new Array(records.length)
  for (let i = 0; i < records.length; i++) {
    const value = await fn({ ...common, record: records[i] })
    out[i] = value === undefined ? null : value
  }
  return out
}

// "message (script-s1.js:12)" from an error thrown in a script.
function describe (e) {
  if (!e || typeof e !== 'object') return String(e)
  const at = /script-[^:\s)]+\.js:(\d+)/.exec(e.stack || '')
  return (e.message || String(e)) + (at ? ' (line ' + at[1] + ')' : '')
}

let pending = Buffer.alloc(0)
let queue = Promise.resolve()
process.stdin.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
  for (;;) {
    if (pending.length < 4) return
    const headerLength = pending.readUInt32BE(0)
    if (pending.length < 8 + headerLength) return
    const optionsLength = pending.readUInt32BE(4 + headerLength)
    const end = 8 + headerLength + optionsLength
    if (pending.length < end) return
    const header = JSON.parse(pending.toString('utf8', 4, 4 + headerLength))
    const optionsText = pending.toString('utf8', 8 + headerLength, end)
    pending = pending.subarray(end)
    queue = queue.then(() => run(header, optionsText))
  }
})
process.stdin.on('end', () => process.exit(0))
