package leakfixture

// apiYAML is the API: one operation per credential kind; SRV is replaced
// by the server URL (the token endpoint).
const apiYAML = `openapi: 3.0.3
info: {title: leak, version: "1"}
servers: [{url: "http://unused.invalid"}]
components:
  securitySchemes:
    hdrKey: {type: apiKey, in: header, name: Api-Key}
    qKey: {type: apiKey, in: query, name: api_key}
    ckKey: {type: apiKey, in: cookie, name: sid}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
    cc:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: "SRV/token", scopes: {}}}
    ready:
      type: oauth2
      flows: {implicit: {authorizationUrl: "SRV/authorize", scopes: {}}}
paths:
  /p/{p1}/{p2}/{p3}/{p4}:
    get:
      operationId: params
      security: [{hdrKey: [], qKey: [], ckKey: [], basic: []}]
      parameters:
        - {name: p1, in: path, required: true, schema: {type: string}}
        - {name: p2, in: path, required: true, schema: {type: string}}
        - {name: p3, in: path, required: true, schema: {type: string}}
        - {name: p4, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
  /json:
    post:
      operationId: jsonBody
      security: [{bearer: []}]
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
  /form:
    post:
      operationId: formBody
      security: [{cc: []}]
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
  /text:
    post:
      operationId: textBody
      security: [{ready: []}]
      requestBody: {content: {text/plain: {schema: {type: string}}}}
      responses: {"200": {description: ok}}
  /open:
    get:
      operationId: open
      security: []
      responses: {"200": {description: ok}}
  /bin:
    get:
      operationId: bin
      security: [{bearer: []}]
      responses: {"200": {description: ok, content: {application/octet-stream: {schema: {type: string, format: binary}}}}}
`

// flowYAML is the workflow "leak".
const flowYAML = `arazzo: 1.0.1
info: {title: leak, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
  - {name: dead, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: leak
    inputs:
      type: object
      properties:
        pw: {type: string, format: password}
        pin: {type: integer, format: password}
        auth:
          type: object
          properties:
            user: {type: string}
            phrase: {type: string, format: password}
        clientToken: {type: string}
        cards:
          type: array
          items:
            type: object
            properties:
              holder: {type: string}
              cvv: {type: string, format: password}
    steps:
      - stepId: params
        operationId: $sourceDescriptions.api.params
        parameters: &params
          - {name: p1, in: path, value: $inputs.pw}
          - {name: p2, in: path, value: $inputs.pin}
          - {name: p3, in: path, value: $inputs.auth#/phrase}
          - {name: p4, in: path, value: $inputs.clientToken}
          - {name: q1, in: query, value: $inputs.pw}
          - {name: q2, in: query, value: $inputs.pin}
          - {name: q3, in: query, value: $inputs.auth#/phrase}
          - {name: q4, in: query, value: $inputs.clientToken}
          - {name: q5, in: query, value: $inputs.cards#/0/cvv}
          - {name: X-H1, in: header, value: $inputs.pw}
          - {name: X-H2, in: header, value: $inputs.pin}
          - {name: X-H3, in: header, value: $inputs.auth#/phrase}
          - {name: X-H4, in: header, value: $inputs.clientToken}
          - {name: c1, in: cookie, value: $inputs.pw}
          - {name: c2, in: cookie, value: $inputs.pin}
          - {name: c3, in: cookie, value: $inputs.auth#/phrase}
          - {name: c4, in: cookie, value: $inputs.clientToken}
        outputs:
          echo: $response.body
          apiKey: $response.header.X-Echo-Api-Key
          cookie: $response.header.X-Echo-Cookie
      - stepId: json
        operationId: $sourceDescriptions.api.jsonBody
        requestBody:
          contentType: application/json
          payload:
            pw: $inputs.pw
            pin: $inputs.pin
            auth: $inputs.auth
            token: $inputs.clientToken
            cards: $inputs.cards
        outputs: {echo: $response.body}
      - stepId: form
        operationId: $sourceDescriptions.api.formBody
        requestBody:
          contentType: application/x-www-form-urlencoded
          payload:
            pw: $inputs.pw
            pin: $inputs.pin
            phrase: $inputs.auth#/phrase
            token: $inputs.clientToken
            cvv: $inputs.cards#/0/cvv
        outputs: {echo: $response.body}
      - stepId: text
        operationId: $sourceDescriptions.api.textBody
        requestBody:
          contentType: text/plain
          payload: $inputs.pw
        outputs: {echo: $response.body}
      - stepId: open
        operationId: $sourceDescriptions.api.open
        outputs: {echo: $response.body, auth: $response.header.X-Echo-Authorization}
      - stepId: bin
        operationId: $sourceDescriptions.api.bin
        parameters:
          - {name: q, in: query, value: $inputs.pw}
        outputs: {raw: $response.body}
      - stepId: dead
        operationId: $sourceDescriptions.dead.params
        parameters: *params
        onFailure:
          - {name: carryOn, type: goto, stepId: crit}
      - stepId: crit
        operationId: $sourceDescriptions.api.open
        successCriteria:
          - {context: $inputs.pw, condition: '^nope$', type: regex}
          - {context: $steps.params.outputs.apiKey, condition: '^nope$', type: regex}
          - {context: $inputs.pin, condition: '^1$', type: regex}
          - {context: $inputs.clientToken, condition: '^nope$', type: regex}
    outputs:
      params: $steps.params.outputs.echo
      apiKey: $steps.params.outputs.apiKey
      cookie: $steps.params.outputs.cookie
      json: $steps.json.outputs.echo
      form: $steps.form.outputs.echo
      text: $steps.text.outputs.echo
      open: $steps.open.outputs.echo
      openAuth: $steps.open.outputs.auth
      bin: $steps.bin.outputs.raw
      pw: $inputs.pw
      pin: $inputs.pin
      auth: $inputs.auth
      token: $inputs.clientToken
      cards: $inputs.cards
`
