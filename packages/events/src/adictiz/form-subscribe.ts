import { text } from '../codecs.ts';
import { campaignUserKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

const customFields = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`custom_${i + 1}`, { codec: text(`Custom form field ${i + 1}.`) }]),
);

export const formSubscribe = adictizEvent({
  eventType: 'FormSubscribe',
  name: 'form-subscribe',
  description:
    'A form of a campaign was submitted. With several forms, one event per form validation, the data accumulated.',
  data: {
    civility: { codec: text('Civility.') },
    lastname: { codec: text('Last name.') },
    firstname: { codec: text('First name.') },
    email: { codec: text('E-mail address.') },
    email_confirmation: { from: 'emailConfirmation', codec: text('E-mail address confirmation.') },
    address: { codec: text('Postal address.') },
    zip_code: { from: 'zipCode', codec: text('Postal code.') },
    city: { codec: text('City.') },
    country: { codec: text('Country.') },
    birthday: { codec: text('Birthday, as entered.') },
    desk_phone: { from: 'deskPhone', codec: text('Desk phone number.') },
    mobile_phone: { from: 'mobilePhone', codec: text('Mobile phone number.') },
    loyalty: { codec: text('Loyalty card or programme.') },
    reglement: { codec: text('Acceptance of the rules, as sent.') },
    newsletter: { codec: text('Newsletter opt-in, as sent.') },
    optin_partner: { codec: text('Partner opt-in, as sent.') },
    optin_mobile: { codec: text('Mobile opt-in, as sent.') },
    state: { codec: text('State or region.') },
    nickname: { codec: text('Nickname.') },
    pinterest_board: { codec: text('Pinterest board.') },
    shops: { codec: text('Shops.') },
    session_id: { codec: text('Session id.') },
    ip_address: { codec: text("The user's IP address.") },
    identifier: { codec: text('Identifier.') },
    user_id: { codec: text('Unique user id (unique per campaign).') },
    language: { codec: text('Language, e.g. fr.') },
    utm_source: { codec: text('UTM source.') },
    utm_medium: { codec: text('UTM medium.') },
    utm_campaign: { codec: text('UTM campaign.') },
    utm_content: { codec: text('UTM content.') },
    utm_term: { codec: text('UTM term.') },
    device: { codec: text('Device.') },
    date_operation: { codec: text('Date of the operation, as sent.') },
    operation_id: { codec: text('Unique campaign id.') },
    operation_name: { codec: text('Campaign name.') },
    ...customFields,
  },
  key: campaignUserKey('operation_id', 'user_id'),
});
