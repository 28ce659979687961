// A stand-in for the ingest API that only reads each body (counting its lines) and answers as
// the API would: what is left of the ingest path without validation or storage. Prints its port.
import http from 'node:http'

const server = http.createServer((req, res) => {
  let lines = 0
  req.on('data', (chunk) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
  })
  req.on('end', () => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ batch: 'sink', accepted: lines, rejected: 0, duplicate: false, errors: [] }))
  })
})
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`))
