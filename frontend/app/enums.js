// The domain's enumerations, as the API names them: one place for every
// screen.
export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
export const STATUSES = ['open', 'in_progress', 'blocked', 'done', 'cancelled'];
export const PRIORITIES = ['low', 'medium', 'high', 'critical'];
export const SECTORS = ['chemical', 'commercial_facilities', 'communications', 'critical_manufacturing', 'dams', 'defense_industrial_base',
  'emergency_services', 'energy', 'financial_services', 'food_agriculture', 'government_facilities', 'healthcare_public_health',
  'information_technology', 'nuclear', 'transportation', 'water'];
export const MEETING_KINDS = ['briefing', 'roundtable', 'working_session', 'bilateral', 'call', 'other'];
export const MEETING_STATUSES = ['scheduled', 'held', 'cancelled'];
export const MODALITIES = ['in_person', 'virtual', 'hybrid'];
export const ATTENDEE_ROLES = ['host', 'presenter', 'attendee', 'observer'];
export const ATTENDANCE = ['invited', 'attended', 'declined', 'absent'];
export const DISCLOSURES = ['public', 'organization_only', 'undisclosed'];
export const REASONS = ['national_security', 'law_enforcement', 'privacy', 'commercial', 'at_request'];
export const ORG_KINDS = ['government', 'industry', 'isac', 'academia', 'nonprofit', 'international'];
export const TOPIC_KINDS = ['subject', 'campaign', 'vulnerability', 'advisory', 'technique'];
export const USER_ROLES = ['viewer', 'participant', 'coordinator', 'admin'];
