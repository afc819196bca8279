// The test stack's functions, written as integrator-extension users write
// them: options in, callback(err, result) out.
'use strict'

const http = require('http')

// Calls Integrator's API with a hook's one-time token: resolves {status, body}.
function callIntegrator (options, method, path, body) {
  const target = new URL(path, options.configuration.integratorURL)
  const payload = body === undefined ? '' : JSON.stringify(body)
  return new Promise((resolve) => {
    const req = http.request(target, {
      method,
      headers: { Authorization: 'Bearer ' + options.bearerToken, 'Content-Type': 'application/json' }
    }, (res) => {
      let text = ''
      res.on('data', (c) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode, body: text }))
    })
    req.on('error', (e) => resolve({ status: 0, body: e.message }))
    req.end(payload)
  })
}

let firstToken = null  // the first one-time token a hook got

// POSTs `body` as JSON to `url` (the test peer's sink): resolves the status.
function postJSON (url, body) {
  return new Promise((resolve) => {
    const req = http.request(new URL(url), { method: 'POST', headers: { 'Content-Type': 'application/json' } },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)) })
    req.on('error', () => resolve(0))
    req.end(JSON.stringify(body))
  })
}

module.exports = {
  hooks: {
    // Marks every record with configuration.mark and its page, drops the
    // records configuration.drop names, and reports those configuration.bad
    // names as errors with retry data.
    preSavePage: function (options, callback) {
      const { mark, drop = [], bad = [] } = options.configuration
      const kept = []
      const retryable = []
      for (const record of options.data) {
        if (drop.includes(record.id)) continue
        if (bad.includes(record.id)) {
          retryable.push({ retryData: record, errors: [{ code: 'bad_record', message: 'record ' + record.id + ' is bad' }] })
          continue
        }
        kept.push(Object.assign({}, record, { touched: mark, page: options.pageIndex, flow: options._flowId }))
      }
      callback(null, { data: kept, errors: [], abort: false, newErrorsAndRetryData: retryable })
    },
    // Passes the first page on, then aborts: no further pages.
    abortAfterFirst: function (options, callback) {
      callback(null, { data: options.data, errors: [], abort: options.pageIndex >= 0 })
    },
    // Fails like a throwing hook: integrator-extension answers 422.
    failing: function (options, callback) {
      const err = new Error('the hook could not process page ' + options.pageIndex)
      err.code = 'hook_failed_on_purpose'
      callback(err)
    },
    // Returns nothing: an empty 200.
    nothing: function (options, callback) {
      callback()
    },
    // Uses its one-time token: invokes an import (allowed) and lists
    // connections (refused). What each answered goes into the records. (A
    // plain function: integrator-extension 0.3.12 does not call async ones.)
    usesToken: function (options, callback) {
      (async () => {
        const invoked = await callIntegrator(options, 'POST', '/v1/imports/' + options.configuration.importId + '/invoke',
          [{ fromHook: options.pageIndex }])
        const listed = await callIntegrator(options, 'GET', '/v1/connections')
        if (!firstToken) firstToken = options.bearerToken
        const data = options.data.map((r) => Object.assign({}, r, {
          invokeStatus: invoked.status, listStatus: listed.status
        }))
        callback(null, { data })
      })().catch(callback)
    },
    // Import hooks: preMap ignores id 1 and fails id 2; postMap marks what
    // the mapping made; postSubmit refuses id 3 after the fact;
    // postResponseMap adds what the target answered.
    preMap: function (options, callback) {
      callback(null, options.data.map((r) => r.id === 1 ? {}
        : r.id === 2 ? { errors: [{ code: 'pre_bad', message: 'no ' + r.id }] }
          : { data: Object.assign({}, r, { pre: options._importId }) }))
    },
    postMap: function (options, callback) {
      callback(null, options.postMapData.map((m, i) => ({ data: Object.assign({}, m, { post: options.preMapData[i].pre }) })))
    },
    postSubmit: function (options, callback) {
      callback(null, options.responseData.map((r, i) => options.postMapData[i].id === 3
        ? Object.assign({}, r, { statusCode: 422, errors: [{ code: 'post_bad', message: 'refused after the fact' }] })
        : r))
    },
    postResponseMap: function (options, callback) {
      callback(null, options.postResponseMapData.map((r, i) => Object.assign({}, r, { statusSeen: options.responseData[i].statusCode })))
    },
    // A connector's hook: reads configuration.mine (its connector's
    // integration) and configuration.theirs (another) with its token.
    readsAsConnector: function (options, callback) {
      (async () => {
        const mine = await callIntegrator(options, 'GET', '/v1/integrations/' + options.configuration.mine)
        const theirs = await callIntegrator(options, 'GET', '/v1/integrations/' + options.configuration.theirs)
        callback(null, { data: options.data.map((r) => Object.assign({}, r, { mineStatus: mine.status, theirsStatus: theirs.status })) })
      })().catch(callback)
    },
    // Replays the first token a hook got (its call returned long ago) and
    // its own: what tokenInfo answered goes into the records.
    replaysFirstToken: function (options, callback) {
      (async () => {
        const replayed = await callIntegrator(Object.assign({}, options, { bearerToken: firstToken }), 'GET', '/v1/tokenInfo')
        const own = await callIntegrator(options, 'GET', '/v1/tokenInfo')
        callback(null, { data: options.data.map((r) => Object.assign({}, r, { replayStatus: replayed.status, ownStatus: own.status })) })
      })().catch(callback)
    }
  },
  wrappers: {
    // Checks the connection's key: 401 when it is wrong.
    ping: function (options, callback) {
      const { encrypted = {} } = options.connection
      if (encrypted.apiKey !== 'secret-key') {
        return callback(null, { statusCode: 401, errors: [{ code: 'unauthorized', message: 'the API key is wrong' }] })
      }
      callback(null, { statusCode: 200 })
    },
    // configuration.total records, configuration.size per call, paged by
    // the state it answers; each says what the call got.
    listRecords: function (options, callback) {
      const { total = 7, size = 3 } = options.configuration
      const start = (options.state && options.state.next) || 0
      const data = []
      for (let i = start; i < Math.min(total, start + size); i++) {
        data.push({ id: i, type: options.type, region: options.connection.unencrypted.region, calledWith: start })
      }
      const next = start + size
      callback(null, { data, errors: [], lastPage: next >= total, state: { next } })
    },
    // Ignores the state it is given: the same page forever.
    samePage: function (options, callback) {
      callback(null, { data: [{ id: 1 }], lastPage: false, state: { n: 1 } })
    },
    // Says its connection went offline.
    goesOffline: function (options, callback) {
      callback(null, { data: [], lastPage: false, connectionOffline: true })
    },
    // Sends the mapped records to configuration.sink, then answers per
    // record: id 2 refused, id 3 ignored, the others stored.
    storeRecords: function (options, callback) {
      postJSON(options.configuration.sink, options.postMapData).then(() => {
        callback(null, options.postMapData.map((r) => r.id === 2
          ? { statusCode: 422, errors: [{ code: 'refused', message: 'record 2 refused' }] }
          : r.id === 3 ? { statusCode: 200, ignored: true } : { statusCode: 200, id: 'stored-' + r.id }))
      })
    }
  },
  // A connector's install, settings and uninstall steps.
  installer: {
    connectStep: function (options, callback) {
      callback(null, {
        success: true,
        stepsToUpdate: [{ installerFunction: 'connectStep', completed: true, sawIntegration: options._integrationId, sawOpts: options.opts, sawExtra: options.extra }]
      })
    }
  },
  settings: {
    persistSettings: function (options, callback) {
      callback(null, { success: true, pending: options.pending })
    }
  },
  uninstaller: {
    notYet: function (options, callback) {
      const err = new Error('cannot uninstall yet')
      err.code = 'busy'
      callback(err)
    }
  }
}
