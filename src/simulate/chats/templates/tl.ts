import type { LanguageTemplates } from '../template-keys.js';

/**
 * Tagalog lines (see `template-keys.ts`): written for the generator, plainly fake, non-sexual.
 * Taglish (code-mixing with English) is how much chat is written; some lines mix on purpose.
 * Not reviewed by a native speaker: treat Tagalog figures as indicative.
 */
export const tagalogTemplates: LanguageTemplates = {
  greet: ['uy {name}', 'hello musta ka', 'kumusta araw mo'],
  greet_new: [
    'hi, nakita ko profile mo, ang cool mo',
    'uy parang may common friends tayo',
    'hello :) bago lang ako dito',
  ],
  smalltalk: ['anong nilalaro mo ngayon', 'ang boring ng klase kanina', 'napanood mo ba yung laro kahapon'],
  compliment: ['ang mature mo para sa edad mo', 'mas matalino ka pa sa mga kaedad ko', 'ang galing mo talaga'],
  reply_ok: ['ok', 'sige', 'oo haha', 'ok sige'],
  reply_unsure: ['ewan', 'siguro', 'bakit?', 'hmm di ko alam'],
  reply_info: ['grade 8 na ako', 'nasa bahay lang', 'nasa trabaho si mama'],
  reply_scared: ['wag po please', 'wala akong pera', 'tama na po natatakot ako'],
  reply_laugh: ['hahaha', 'lol', 'grabe haha'],
  risky_probe: [
    'ilang taon ka na talaga?',
    'saang school ka nag-aaral',
    'nasa bahay ba parents mo ngayon?',
    'saan ka nakatira',
  ],
  risky_gift: [
    'bibilhan kita ng diamonds kung gusto mo',
    'gusto mo ng gift card para sa laro?',
    'ibibigay ko sayo yung bagong skin, para sayo lang',
  ],
  risky_secrecy: [
    'satin lang to ha?',
    'wag mo sabihin sa parents mo na nag-uusap tayo',
    'chine-check ba ng parents mo phone mo?',
    'burahin mo chat natin pagkatapos',
  ],
  risky_move_app: [
    'add mo ako sa {app}, mas private',
    'sa {app} na lang tayo mag-usap',
    'ano {app} mo? ang pangit ng app na to',
  ],
  risky_photo: [
    'send ka ng picture mo',
    'buksan mo camera mo para sakin',
    'video call tayo ngayon, tayong dalawa lang',
  ],
  risky_meet: [
    'magkita tayo, susunduin kita',
    'anong oras labas mo sa school? pupuntahan kita',
    'kita tayo sa {place} sa weekend, mag-isa ka lang',
  ],
  risky_threat: [
    'ipapadala ko to sa lahat ng {relation} mo',
    'nasa akin listahan ng followers mo, makikita ng buong school mo',
    'ipopost ko to at ita-tag ko pamilya mo',
  ],
  risky_pay: [
    'bumili ka ng {amount} na gift card tapos send mo code',
    'magpadala ka ng {amount} sa gcash {handle} ngayon na',
    'bumili ka ng steam cards tapos i-send mo codes dito',
  ],
  risky_deadline: ['may 30 minutes ka', 'bago mag gabi or makikita ng lahat', 'bilis, 1 oras na lang'],
  peer_secret: [
    'wag mo sabihin kahit kanino na crush ko si {name} ha??',
    'promise wag mo ikwento, secret to',
    'satin lang pero bagsak ako sa quiz haha',
  ],
  peer_selfie: ['send ka pic ng outfit mo para sa party', 'patingin ng bagong gupit mo, send ka picture'],
  peer_meet: ['kita tayo sa {place} ng {time}?', 'punta ka samin after class?'],
  peer_split: ['send mo {amount} sa gcash {handle} para sa pizza', 'utang mo {amount} sa tickets, gcash ko {handle}'],
  peer_banter: [
    'sasabihin ko sa lahat na nakatulog ka sa klase haha',
    'bigay mo sagot or sasabihin ko sa buong klase na naghihilik ka',
  ],
  family_surprise: ['wag mo sabihin kay mama yung surprise party!', 'secret kay papa, bibilhin natin regalo niya'],
  family_gift: ['bibilhin ko yung laro para sa birthday mo', 'pinadalhan ka ni lola ng gift card, check mo email'],
  family_pickup: ['susunduin kita sa school ng {time}', 'hintay ka sa gate, papunta na ako'],
  family_call: ['video call kay lola mamaya? buksan mo camera', 'tawagan mo ako pag-uwi mo anak'],
  coach_schedule: ['nilipat yung practice sa {address} ng {time}', 'sa {place} yung laban, 30 mins early kayo'],
  coach_birth_year: [
    'anong taon ka pinanganak? kailangan sa registration',
    'ilang taon ka na sa birthday mo? hinihingi ng liga',
  ],
  coach_call: ['tutoring sa video ng 5, naka-on camera please', 'tawagan mo ako after class tungkol sa essay mo'],
  coach_deadline: ['ipasa ang permission slip bago mag biyernes', 'pasahan ng assignment mamayang 9'],
  coach_fee: ['yung {amount} na team fee sa account ng club', 'pwede bayaran ng parents yung field trip sa portal'],
  game_gift: ['bibigyan kita ng 500 coins para sa bagong skin', 'gg! send ko sayo battle pass pang thank you'],
  game_voice: ['join ka sa {app} voice para sa raid', 'sali ka sa {app} call, mabagal mag type'],
  game_region: ['anong region mo? sea o na', 'saang server ka naglalaro'],
  game_age: ['ilang taon ka na? 13+ yung tournament', 'pwede ka na ba sa ranked league'],
  game_hurry: ['mag start tournament in 30 mins, bilis', 'last chance mag sign up mamaya'],
  dating_photo: ['send ka ng recent photo mo?', 'video call muna tayo bago magkita'],
  dating_meet: ['dinner sa biyernes sa {place}?', 'kape sa {place} sa sabado?'],
  dating_app: ['lipat tayo sa {app}, mas madali', 'text mo ako sa {app}, bihira ko buksan to'],
  dating_quiet: ['satin muna to hanggang sure na tayo haha', 'wag mo muna sabihin sa friends mo lol'],
  dating_age: ['ilang taon ka na pala? 34 ako', 'ano trabaho mo'],
  support_verify: ['paki-confirm ang birthday at bansa mo', 'pwede mo ba i-confirm edad mo at city sa account'],
  support_code: ['ilagay ang code sa likod ng gift card sa redeem page', 'na-redeem na ang card number {code}'],
  support_deadline: ['i-claim ang refund within 24 hours', 'sumagot bago mamayang gabi para ma-close ang ticket'],
  support_app: ['pwede mo ituloy ang chat sa help app namin', 'lumipat sa official help centre namin'],
  support_photo: ['send ng picture ng resibo please', 'makakatulong ang picture ng likod ng card'],
  lesson_threat: [
    'sinasabi ng scammers "magbayad ka or ipapadala ko pictures mo sa school mo". pag nangyari, sabihin mo samin',
    'kung may nagbanta na ipapakita sa {relation} mo, i-block at i-report',
  ],
  lesson_pay: [
    'humihingi sila ng gift card codes na may deadline tulad ng "may isang oras ka". wag magbayad',
    'walang totoong tao na magpapabili sayo ng gift cards',
  ],
  lesson_move: [
    'pinapalipat ka nila agad sa ibang app, tulad ng {app}',
    'bagong contact na nagpapalipat ng app ay warning sign',
  ],
  lesson_question: ['anong gagawin mo?', 'may tanong ba bago ang quiz?'],
};
