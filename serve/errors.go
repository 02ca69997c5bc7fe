package serve

import (
	"errors"
	"net/url"
)

// unwrapURL drops the *url.Error wrapper, whose text repeats the URL (a
// notification URL may hold a secret).
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
