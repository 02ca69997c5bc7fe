package runtime

import (
	"github.com/weftflow/weft/openapi"
)

// tokenParams are the form fields of a token request (and members of its
// JSON response) that are masked whole, whatever their value.
var tokenParams = []string{"client_secret", "access_token", "refresh_token", "id_token"}

// tokenExchange tells the observer of an OAuth2 token request that info's
// step needed: the secrets it carries (client secret, basic credentials,
// issued tokens) are learnt by the masker first, so that neither event, nor
// anything later in the run, shows them.
func (ru *run) tokenExchange(info StepInfo, x openapi.TokenExchange) {
	ru.masker.add(x.Secrets...)
	ru.masker.addParams(tokenParams...)
	o := ru.observer
	if o == nil {
		return
	}
	if o.RequestSent != nil {
		o.RequestSent(RequestInfo{
			StepInfo: info, Kind: KindToken, Method: x.Method, URL: ru.masker.url(x.URL),
			Header: ru.masker.header(x.Header), Body: ru.masker.body(x.Body),
		})
	}
	if x.StatusCode != 0 && o.ResponseReceived != nil {
		o.ResponseReceived(ResponseInfo{
			StepInfo: info, Kind: KindToken, StatusCode: x.StatusCode, Header: ru.masker.header(x.ResponseHeader),
			Body: ru.masker.body(x.ResponseBody), Duration: x.Duration,
		})
	}
}
