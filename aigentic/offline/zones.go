package offline

import (
	"regexp"
	"strings"
)

// zoneEntry is one row of the built-in place table: a display name and the
// IANA time zone it maps to.
type zoneEntry struct {
	display string
	iana    string
}

// zoneTable maps a lower-case place name (one to three words) to its entry.
// It is a small, general table of major world cities, a few countries with a
// single dominant zone, and common zone names; it is not tied to any example.
var zoneTable = map[string]zoneEntry{}

// zoneMaxWords is the longest phrase (in words) in zoneTable.
var zoneMaxWords = 1

func init() {
	rows := []struct{ names, display, iana string }{
		// North America
		{"new york|new york city|nyc|manhattan|brooklyn", "New York", "America/New_York"},
		{"boston", "Boston", "America/New_York"},
		{"washington|washington dc|washington d c", "Washington", "America/New_York"},
		{"miami", "Miami", "America/New_York"},
		{"atlanta", "Atlanta", "America/New_York"},
		{"philadelphia", "Philadelphia", "America/New_York"},
		{"detroit", "Detroit", "America/Detroit"},
		{"toronto", "Toronto", "America/Toronto"},
		{"montreal|montréal", "Montreal", "America/Toronto"},
		{"chicago", "Chicago", "America/Chicago"},
		{"houston", "Houston", "America/Chicago"},
		{"dallas", "Dallas", "America/Chicago"},
		{"austin", "Austin", "America/Chicago"},
		{"denver", "Denver", "America/Denver"},
		{"phoenix", "Phoenix", "America/Phoenix"},
		{"los angeles|san francisco|san diego|silicon valley|california", "", "America/Los_Angeles"},
		{"seattle", "Seattle", "America/Los_Angeles"},
		{"las vegas", "Las Vegas", "America/Los_Angeles"},
		{"vancouver", "Vancouver", "America/Vancouver"},
		{"anchorage|alaska", "", "America/Anchorage"},
		{"honolulu|hawaii", "", "Pacific/Honolulu"},
		{"mexico city|mexico", "", "America/Mexico_City"},
		{"eastern time", "Eastern Time", "America/New_York"},
		{"central time", "Central Time", "America/Chicago"},
		{"mountain time", "Mountain Time", "America/Denver"},
		{"pacific time", "Pacific Time", "America/Los_Angeles"},
		// South America
		{"sao paulo|são paulo|rio de janeiro|brazil", "", "America/Sao_Paulo"},
		{"buenos aires|argentina", "", "America/Argentina/Buenos_Aires"},
		{"santiago|chile", "", "America/Santiago"},
		{"lima|peru", "", "America/Lima"},
		{"bogota|bogotá|colombia", "", "America/Bogota"},
		// Europe
		{"london|uk|united kingdom|england|britain|great britain", "", "Europe/London"},
		{"dublin|ireland", "", "Europe/Dublin"},
		{"lisbon|portugal", "", "Europe/Lisbon"},
		{"paris|france", "", "Europe/Paris"},
		{"berlin|munich|frankfurt|hamburg|germany", "", "Europe/Berlin"},
		{"madrid|barcelona|spain", "", "Europe/Madrid"},
		{"rome|milan|italy", "", "Europe/Rome"},
		{"amsterdam|netherlands", "", "Europe/Amsterdam"},
		{"brussels|belgium", "", "Europe/Brussels"},
		{"zurich|zürich|geneva|switzerland", "", "Europe/Zurich"},
		{"vienna|austria", "", "Europe/Vienna"},
		{"stockholm|sweden", "", "Europe/Stockholm"},
		{"oslo|norway", "", "Europe/Oslo"},
		{"copenhagen|denmark", "", "Europe/Copenhagen"},
		{"helsinki|finland", "", "Europe/Helsinki"},
		{"warsaw|poland", "", "Europe/Warsaw"},
		{"prague", "Prague", "Europe/Prague"},
		{"budapest|hungary", "", "Europe/Budapest"},
		{"athens|greece", "", "Europe/Athens"},
		{"istanbul|turkey", "", "Europe/Istanbul"},
		{"kyiv|kiev|ukraine", "", "Europe/Kyiv"},
		{"moscow", "Moscow", "Europe/Moscow"},
		{"reykjavik|iceland", "", "Atlantic/Reykjavik"},
		// Africa and the Middle East
		{"cairo|egypt", "", "Africa/Cairo"},
		{"lagos|nigeria", "", "Africa/Lagos"},
		{"nairobi|kenya", "", "Africa/Nairobi"},
		{"johannesburg|cape town|south africa", "", "Africa/Johannesburg"},
		{"casablanca|morocco", "", "Africa/Casablanca"},
		{"dubai|abu dhabi", "", "Asia/Dubai"},
		{"riyadh", "Riyadh", "Asia/Riyadh"},
		{"tehran|iran", "", "Asia/Tehran"},
		{"tel aviv|jerusalem|israel", "", "Asia/Jerusalem"},
		// Asia and the Pacific
		{"karachi|pakistan", "", "Asia/Karachi"},
		{"mumbai|delhi|new delhi|bangalore|bengaluru|kolkata|chennai|india", "", "Asia/Kolkata"},
		{"dhaka|bangladesh", "", "Asia/Dhaka"},
		{"bangkok|thailand", "", "Asia/Bangkok"},
		{"jakarta|indonesia", "", "Asia/Jakarta"},
		{"singapore", "Singapore", "Asia/Singapore"},
		{"kuala lumpur|malaysia", "", "Asia/Kuala_Lumpur"},
		{"manila|philippines", "", "Asia/Manila"},
		{"hong kong", "Hong Kong", "Asia/Hong_Kong"},
		{"beijing|shanghai|shenzhen|china", "", "Asia/Shanghai"},
		{"taipei|taiwan", "", "Asia/Taipei"},
		{"seoul|south korea|korea", "", "Asia/Seoul"},
		{"tokyo|osaka|kyoto|japan", "", "Asia/Tokyo"},
		{"sydney|canberra", "", "Australia/Sydney"},
		{"melbourne", "Melbourne", "Australia/Melbourne"},
		{"brisbane", "Brisbane", "Australia/Brisbane"},
		{"perth", "Perth", "Australia/Perth"},
		{"auckland|wellington|new zealand", "", "Pacific/Auckland"},
		// Universal time
		{"utc|gmt|coordinated universal time|greenwich mean time|zulu", "UTC", "UTC"},
	}
	for _, r := range rows {
		for _, name := range strings.Split(r.names, "|") {
			display := r.display
			if display == "" {
				display = titleWords(name)
			}
			zoneTable[name] = zoneEntry{display: display, iana: r.iana}
			if n := len(strings.Fields(name)); n > zoneMaxWords {
				zoneMaxWords = n
			}
		}
	}
}

// ianaRe matches a token that already looks like an IANA zone name.
var ianaRe = regexp.MustCompile(`\b(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z_+\-]+(?:/[A-Za-z_+\-]+)?`)

// titleWords upper-cases the first letter of every word of s, except short
// abbreviations, which are upper-cased whole.
func titleWords(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if len(w) <= 3 && (w == "uk" || w == "nyc" || w == "utc" || w == "gmt") {
			words[i] = strings.ToUpper(w)
			continue
		}
		r := []rune(w)
		r[0] = []rune(strings.ToUpper(string(r[0])))[0]
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}
