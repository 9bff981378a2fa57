{{/* hub.services.catalogue: what the chart knows about each service, keyed as in .Values.services. Generated from services.toml by infra/services/generate.py: change that file, then run it. */}}
{{- define "hub.services.catalogue" -}}
referral: {name: referral, command: hubs-referral, image: referral, schema: referral, topic: referral, consumes: []}
assessment: {name: assessment, command: hubs-assessment, image: assessment, schema: assessment, topic: assessment, consumes: [referral, care]}
careCoordination: {name: care-coordination, command: hubs-care-coordination, image: care-coordination, schema: care_coordination, topic: care, consumes: [assessment]}
outreach: {name: outreach, command: hubs-outreach, image: outreach, schema: outreach, topic: outreach, consumes: [referral]}
reporting: {name: reporting, command: hubs-reporting, image: reporting, schema: reporting, topic: reporting, consumes: [referral, assessment, care, outreach, reporting]}
{{- end -}}
