package definition

import (
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
)

// cronParser reads standard five-field cron expressions and the
// descriptors (@daily, @hourly...), as the scheduler of weft serve does.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// checkCron returns why s is not a cron expression, or "".
func checkCron(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "@every") {
		return "@every is written as every: DURATION"
	}
	if strings.HasPrefix(t, "TZ=") || strings.HasPrefix(t, "CRON_TZ=") {
		return "the time zone is written as timeZone:, not in the expression"
	}
	if !strings.HasPrefix(t, "@") {
		if n := len(strings.Fields(t)); n != 5 {
			return "expected 5 fields (minute hour day-of-month month day-of-week), found " + strconv.Itoa(n)
		}
	}
	if _, err := cronParser.Parse(t); err != nil {
		return err.Error()
	}
	return ""
}
