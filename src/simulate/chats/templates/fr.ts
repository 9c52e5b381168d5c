import type { LanguageTemplates } from '../template-keys.js';

/** French lines (see `template-keys.ts`): written for the generator, plainly fake, non-sexual. */
export const frenchTemplates: LanguageTemplates = {
  greet: ['salut {name}', 'coucou ça va ?', 'wesh ta journée ?'],
  greet_new: [
    "salut, j'ai vu ton profil, t'as l'air sympa",
    'coucou on a des amis en commun je crois',
    'bonjour :) je suis nouveau ici',
  ],
  smalltalk: ['tu joues à quoi en ce moment', "les cours étaient trop nuls aujourd'hui", "t'as vu le match hier"],
  compliment: [
    'tu es vraiment mature pour ton âge',
    'tu es plus intelligent que les gens de mon âge',
    'franchement tu as du talent',
  ],
  reply_ok: ['ok', 'daccord', 'ouais mdr', 'ok cool'],
  reply_unsure: ['jsp', 'peut-être', 'pourquoi ?', 'hmm je sais pas'],
  reply_info: ['je suis en quatrième', 'je suis chez moi', 'ma mère est au travail'],
  reply_scared: ["s'il te plaît non", "j'ai pas d'argent", "arrête j'ai peur"],
  reply_laugh: ['mdr', 'ptdr', 'arrête lol'],
  risky_probe: [
    'tu as quel âge exactement ?',
    'tu vas dans quel collège',
    'tes parents sont à la maison là ?',
    'tu habites dans quel quartier',
  ],
  risky_gift: [
    'je peux t’acheter des v-bucks si tu veux',
    'tu veux une carte cadeau pour le jeu ?',
    'je t’offre le nouveau skin, rien que pour toi',
  ],
  risky_secrecy: [
    'ça reste entre nous ok ?',
    'dis pas à tes parents qu’on se parle',
    'tes parents regardent ton téléphone ?',
    'efface la conversation après',
  ],
  risky_move_app: [
    'ajoute-moi sur {app}, c’est plus privé',
    'on parle plutôt sur {app}',
    'c’est quoi ton {app} ? cette appli est nulle',
  ],
  risky_photo: ['envoie-moi une photo de toi', 'allume ta caméra pour moi', 'on fait un appel vidéo, juste nous deux'],
  risky_meet: [
    'on devrait se voir, je peux venir te chercher',
    'tu sors du collège à quelle heure ? je peux venir',
    'rdv à {place} ce week-end, viens seul',
  ],
  risky_threat: [
    'je vais l’envoyer à tous tes {relation}',
    'j’ai la liste de tes abonnés, tout ton collège va voir',
    'je vais le publier et identifier ta famille',
  ],
  risky_pay: [
    'achète une carte cadeau de {amount} et envoie-moi le code',
    'envoie {amount} à {handle} maintenant',
    'prends des cartes steam et envoie les codes ici',
  ],
  risky_deadline: ['tu as 30 minutes', 'avant ce soir sinon tout le monde voit', 'vite, il reste 1 heure'],
  peer_secret: [
    'dis à personne que je kiffe {name} ok ??',
    'promets que tu diras rien, c’est un secret',
    'entre nous mais j’ai raté le contrôle mdr',
  ],
  peer_selfie: ['envoie une photo de ta tenue pour la soirée', 'montre ta nouvelle coupe, envoie une photo'],
  peer_meet: ['on se retrouve à {place} à {time} ?', 'tu viens chez moi après les cours ?'],
  peer_split: [
    'envoie-moi {amount} sur {handle} pour la pizza',
    'tu me dois {amount} pour les places, mon pseudo c’est {handle}',
  ],
  peer_banter: [
    'je vais dire à tout le monde que tu dormais en cours mdr',
    'donne les réponses ou je dis à toute la classe que tu ronfles',
  ],
  family_surprise: ['dis rien à maman pour la fête surprise !', 'c’est un secret pour papa, on achète son cadeau'],
  family_gift: ['je t’offre le jeu pour ton anniversaire', 'mamie t’a envoyé une carte cadeau, regarde tes mails'],
  family_pickup: ['je viens te chercher au collège à {time}', 'attends devant le portail, j’arrive'],
  family_call: ['appel vidéo avec mamie ce soir ? allume ta caméra', 'appelle-moi quand tu rentres ma puce'],
  coach_schedule: ['l’entraînement est déplacé au {address} à {time}', 'le match est à {place}, soyez là 30 min avant'],
  coach_birth_year: [
    'tu es né en quelle année ? il me le faut pour l’inscription',
    'tu vas avoir quel âge ? la ligue demande',
  ],
  coach_call: ['cours en visio à 17h, caméra allumée svp', 'appelle-moi après le cours pour ta rédaction'],
  coach_deadline: ['envoie l’autorisation parentale avant vendredi', 'devoir à rendre ce soir 21h'],
  coach_fee: [
    'la cotisation de {amount} va sur le compte du club',
    'les parents peuvent payer la sortie sur le portail',
  ],
  game_gift: ['je t’offre 500 pièces pour le nouveau skin', 'gg ! je t’envoie le passe de combat pour te remercier'],
  game_voice: ['viens sur le vocal {app} pour le raid', 'rejoins l’appel {app}, écrire c’est trop lent'],
  game_region: ['tu joues sur quel serveur ? eu ou na', 'tu es sur quelle région'],
  game_age: ['tu as quel âge ? le tournoi c’est 13 ans et plus', 'tu as l’âge pour la ligue classée ?'],
  game_hurry: ['le tournoi commence dans 30 min, dépêche', 'dernière chance pour s’inscrire ce soir'],
  dating_photo: ['tu m’envoies une photo récente ?', 'on fait un appel vidéo avant de se voir ?'],
  dating_meet: ['dîner vendredi à {place} ?', 'un café à {place} samedi ?'],
  dating_app: ['on passe sur {app}, c’est plus simple', 'écris-moi sur {app}, j’ouvre rarement cette appli'],
  dating_quiet: ['on garde ça pour nous tant qu’on n’est pas sûrs haha', 'le dis pas encore à tes amis mdr'],
  dating_age: ['tu as quel âge au fait ? moi 34', 'tu fais quoi comme travail'],
  support_verify: [
    'merci de confirmer votre date de naissance et votre pays',
    'pouvez-vous confirmer votre âge et la ville du compte',
  ],
  support_code: [
    'saisissez le code au dos de votre carte cadeau sur la page d’échange',
    'la carte numéro {code} a déjà été utilisée',
  ],
  support_deadline: [
    'le remboursement doit être demandé sous 24 heures',
    'répondez avant ce soir pour clôturer le ticket',
  ],
  support_app: ['vous pouvez continuer dans notre appli d’aide', 'merci de passer par notre centre d’aide officiel'],
  support_photo: ['envoyez une photo du ticket de caisse svp', 'une photo du dos de la carte nous aide'],
  lesson_threat: [
    'les escrocs disent « paie ou j’envoie tes photos à ton collège ». si ça arrive, parle-nous',
    'si quelqu’un menace de montrer quelque chose à tes {relation}, bloque et signale',
  ],
  lesson_pay: [
    'ils demandent des codes de cartes cadeaux avec un délai genre « tu as une heure ». ne paie jamais',
    'personne d’honnête ne te demande d’acheter des cartes cadeaux',
  ],
  lesson_move: [
    'ils essaient vite de te faire passer sur une autre appli, comme {app}',
    'un nouveau contact qui veut changer d’appli, c’est un signal d’alerte',
  ],
  lesson_question: ['tu ferais quoi ?', 'des questions avant le quiz ?'],
};
